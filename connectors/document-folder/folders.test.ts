import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentFolderCursorInvalidError } from '../../hub/kernel/errors/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { freeName, removeTemporaryFiles, safeNamePart, writeFileDurably } from './files.js';
import { CURSOR_FILE, incomingName, readCursor, writeCursor } from './incoming.js';
import { outgoingFiles, SettleRule } from './outgoing.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('lt-folder-');
});
afterEach(() => tmp.remove());

describe('which outgoing files are taken, and when', () => {
  it('takes *.xml only (not .part, hidden files or folders), in name order by code units', async () => {
    for (const name of ['b.xml', 'a.XML', '10.xml', '9.xml', 'c.xml.part', '.hidden.xml', 'notes.txt'])
      fs.writeFileSync(path.join(tmp.dir, name), '<x/>');
    fs.mkdirSync(path.join(tmp.dir, 'sent.xml'));
    expect(await outgoingFiles(tmp.dir)).toEqual(['10.xml', '9.xml', 'a.XML', 'b.xml']);
  });

  it('a file is ready once unchanged for the settle time, by its modification time or, ahead of the clock, by watching it', () => {
    let now = Date.parse('2026-03-02T08:00:00Z');
    const rule = new SettleRule(2000, () => new Date(now));
    expect(rule.check('a.xml', { size: 10, mtimeMs: now - 2000 })).toBe(true);
    expect(rule.check('b.xml', { size: 10, mtimeMs: now - 500 })).toBe(now + 1500);
    now += 1500;
    expect(rule.check('b.xml', { size: 10, mtimeMs: now - 2000 })).toBe(true);

    // written on a file server whose clock runs 10 minutes ahead: settled once seen unchanged for 2 s
    const ahead = now + 600_000;
    expect(rule.check('c.xml', { size: 10, mtimeMs: ahead })).toBe(now + 2000);
    now += 1000;
    expect(rule.check('c.xml', { size: 20, mtimeMs: ahead + 1000 })).toBe(now + 2000); // grew: start again
    now += 1999;
    expect(rule.check('c.xml', { size: 20, mtimeMs: ahead + 1000 })).toBe(now + 1);
    now += 1;
    expect(rule.check('c.xml', { size: 20, mtimeMs: ahead + 1000 })).toBe(true);
  });
});

describe('names and durable files', () => {
  it('an incoming file is named by position (12 digits), kind and a safe document id', () => {
    expect(
      incomingName({ position: 1234, kind: 'status', documentId: '000.00.00.G09,2026/03/02,12/BTP-VP' }),
    ).toBe('000000001234-status-000.00.00.G09_2026_03_02_12_BTP-VP.xml');
    expect(safeNamePart('../../etc/passwd')).toBe('___.._etc_passwd');
    expect(safeNamePart('Công văn số 1')).toBe('C_ng_v_n_s__1');
    expect(safeNamePart('x'.repeat(300))).toHaveLength(100);
  });

  it('a reused name never overwrites an earlier file; a sidecar left alone by a crash keeps its name', async () => {
    expect(await freeName(tmp.dir, 'cv.xml')).toBe('cv.xml');
    fs.writeFileSync(path.join(tmp.dir, 'cv.xml.receipt.json'), '{}'); // its file was never moved
    expect(await freeName(tmp.dir, 'cv.xml')).toBe('cv.xml');
    fs.writeFileSync(path.join(tmp.dir, 'cv.xml'), '<x/>');
    fs.writeFileSync(path.join(tmp.dir, 'cv-1.xml'), '<x/>');
    expect(await freeName(tmp.dir, 'cv.xml')).toBe('cv-2.xml');
  });

  it('writes whole files through hidden temporary ones, and removes those a crash left', async () => {
    await writeFileDurably(path.join(tmp.dir, 'a.xml'), 'first');
    await writeFileDurably(path.join(tmp.dir, 'a.xml'), 'second');
    expect(fs.readdirSync(tmp.dir)).toEqual(['a.xml']);
    expect(fs.readFileSync(path.join(tmp.dir, 'a.xml'), 'utf8')).toBe('second');
    fs.writeFileSync(path.join(tmp.dir, '.b.xml.0123456789ab.tmp'), 'half');
    fs.writeFileSync(path.join(tmp.dir, '.dms-own.tmp'), 'not ours');
    expect(await removeTemporaryFiles(tmp.dir)).toBe(1);
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(['.dms-own.tmp', 'a.xml']);
  });

  it('the cursor: 0 before anything, as written after, and a damaged file refused rather than guessed over', async () => {
    expect(await readCursor(tmp.dir)).toBe(0);
    await writeCursor(tmp.dir, 4711);
    expect(await readCursor(tmp.dir)).toBe(4711);
    expect(JSON.parse(fs.readFileSync(path.join(tmp.dir, CURSOR_FILE), 'utf8'))).toEqual({ after: 4711 });
    fs.writeFileSync(path.join(tmp.dir, CURSOR_FILE), '{"after":');
    await expect(readCursor(tmp.dir)).rejects.toBeInstanceOf(DocumentFolderCursorInvalidError);
    fs.writeFileSync(path.join(tmp.dir, CURSOR_FILE), '{"after":-1}');
    await expect(readCursor(tmp.dir)).rejects.toThrow(/whole number/);
  });
});
