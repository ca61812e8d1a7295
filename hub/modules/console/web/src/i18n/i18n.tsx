import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { en } from './en.ts';
import { type Messages, vi } from './vi.ts';

export type Language = 'vi' | 'en';
export const LANGUAGES: readonly Language[] = ['vi', 'en'];
const DICTIONARIES: Record<Language, Messages> = { vi, en };
const LOCALES: Record<Language, string> = { vi: 'vi-VN', en: 'en-GB' };
const STORAGE_KEY = 'lienthong.console.language';
/** Times are shown as the hub records days: in Vietnam. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Numbers, rates and instants in the chosen language. */
export interface Formats {
  number(value: number, maximumFractionDigits?: number): string;
  percent(rate: number): string;
  /** An ISO instant as a date and time in Vietnam. */
  dateTime(iso: string): string;
  time(iso: string): string;
}

interface I18n {
  language: Language;
  t: Messages;
  format: Formats;
  setLanguage(language: Language): void;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLanguage(): Language {
  try {
    const kept = localStorage.getItem(STORAGE_KEY);
    if (kept === 'vi' || kept === 'en') return kept;
  } catch {
    // storage refused (private mode): the default
  }
  return 'vi';
}

function formatsOf(language: Language): Formats {
  const locale = LOCALES[language];
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: TIME_ZONE,
  });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: TIME_ZONE });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const numbers = new Map<number, Intl.NumberFormat>();
  const valid = (iso: string) => !Number.isNaN(Date.parse(iso));
  return {
    number: (value, digits = 2) => {
      let format = numbers.get(digits);
      if (!format) {
        format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
        numbers.set(digits, format);
      }
      return format.format(value);
    },
    percent: (rate) => percent.format(rate),
    dateTime: (iso) => (valid(iso) ? dateTime.format(new Date(iso)) : iso),
    time: (iso) => (valid(iso) ? time.format(new Date(iso)) : iso),
  };
}

/** The chosen language (Vietnamese unless the user chose English; the choice is kept in localStorage). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // not kept: still switched for this page
    }
  }, [language]);
  const value = useMemo<I18n>(
    () => ({ language, t: DICTIONARIES[language], format: formatsOf(language), setLanguage }),
    [language],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
