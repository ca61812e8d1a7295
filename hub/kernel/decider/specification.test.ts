import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { defineError } from '../errors/index.js';
import type { EventData, EventMetadata } from '../event-store.js';
import { type Command, type Decider, decideAll, eventOf, fold } from './decider.js';
import { DeciderSpecification } from './specification.js';

class LampBrokenError extends defineError({
  code: 'LAMP_BROKEN',
  status: 409,
  args: (lamp: string) => ({ lamp }),
  message: (d) => `lamp ${d.lamp} is broken`,
}) {}
type LampEvent = EventData<'SwitchedOn' | 'Broke', { lamp: string; note?: string }>;
type LampCommand = Command<'SwitchOn' | 'Break', { lamp: string; note?: string }>;
type Lamp = 'off' | 'on' | 'broken';
const lamp: Decider<LampCommand, Lamp, LampEvent> = {
  initialState: () => 'off',
  evolve: (_, event) => (event.type === 'SwitchedOn' ? 'on' : 'broken'),
  decide: (command, state) => {
    if (state === 'broken') throw new LampBrokenError(command.data.lamp);
    if (command.type === 'Break') return [eventOf(command.meta, 'Broke', command.data)];
    return state === 'on' ? [] : [eventOf(command.meta, 'SwitchedOn', command.data)];
  },
};
const metadata = { occurredAt: '2026-12-01T00:00:00Z' } as EventMetadata;
const meta = { now: '2026-12-01T00:00:00Z', eventId: 'e-1', metadata };
const switchOn: LampCommand = { type: 'SwitchOn', data: { lamp: 'hall', note: undefined }, meta };
const switchedOn: LampEvent = { id: 'e-1', type: 'SwitchedOn', data: { lamp: 'hall' }, metadata };
const broke: LampEvent = { id: 'e-0', type: 'Broke', data: { lamp: 'hall' }, metadata };

const spec = DeciderSpecification.for(lamp);

describe('DeciderSpecification', () => {
  it('passes when the decision equals the expected events as stored (undefined properties dropped)', () => {
    expect(spec.given([]).when(switchOn).then([switchedOn])).toEqual([
      { ...switchedOn, data: { lamp: 'hall', note: undefined } },
    ]);
    spec.given([switchedOn]).when(switchOn).thenNothing();
  });

  it('fails with an assertion error when the decision differs', () => {
    expect(() => spec.given([switchedOn]).when(switchOn).then([switchedOn])).toThrow(AssertionError);
    expect(() => spec.given([]).when(switchOn).thenNothing()).toThrow(AssertionError);
    expect(() =>
      spec
        .given([])
        .when(switchOn)
        .then([{ ...switchedOn, id: 'e-2' }]),
    ).toThrow(AssertionError);
  });

  it('checks the error class and an optional predicate, and returns the error', () => {
    const error = spec
      .given([broke])
      .when(switchOn)
      .thenThrows(LampBrokenError, (e) => e.lamp === 'hall');
    expect(error.message).toBe('lamp hall is broken');
    expect(() =>
      spec
        .given([broke])
        .when(switchOn)
        .thenThrows(LampBrokenError, (e) => e.lamp === 'attic'),
    ).toThrow(/does not match/);
    expect(() => spec.given([broke]).when(switchOn).thenThrows(RangeError)).toThrow(/expected RangeError/);
    expect(() => spec.given([]).when(switchOn).thenThrows(LampBrokenError)).toThrow(/the decider returned/);
  });

  it('hands every decided event to the validate option', () => {
    const seen: string[] = [];
    const checked = DeciderSpecification.for(lamp, { validate: (e) => seen.push(e.type) });
    checked.given([]).when(switchOn).then([switchedOn]);
    checked
      .given([switchedOn])
      .when({ ...switchOn, type: 'Break' })
      .then([{ ...broke, id: 'e-1' }]);
    expect(seen).toEqual(['SwitchedOn', 'Broke']);
  });
});

describe('fold and decideAll', () => {
  it('fold replays events from the initial state; decideAll folds each decision in before the next command', () => {
    expect(fold(lamp, [])).toBe('off');
    expect(fold(lamp, [switchedOn, broke])).toBe('broken');
    expect(decideAll(lamp, [switchOn, switchOn, { ...switchOn, type: 'Break' }]).map((e) => e.type)).toEqual([
      'SwitchedOn',
      'Broke',
    ]);
  });
});
