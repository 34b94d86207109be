// The pages' message catalogue: every page defines its messages in Chinese and English beside its code, and
// shows them in the reader's language. The choice is kept in localStorage; without one the browser's decides.

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'huiguan.lang';
const HTML_LANG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

let current: Lang | null = null;

function stored(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'zh' || value === 'en' ? value : null;
  } catch {
    // Storage refused (a sandboxed frame, privacy settings): the browser's language decides.
    return null;
  }
}

/** The page's language: the one chosen with setLang, else 'zh' for a browser in Chinese, else 'en'. */
export function lang(): Lang {
  if (current === null) {
    current = stored() ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en');
    document.documentElement.lang = HTML_LANG[current];
  }
  return current;
}

/** Chooses the language for this page and the next ones; messages looked up afterwards are in it. */
export function setLang(l: Lang): void {
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Not kept: this page still switches.
  }
  document.documentElement.lang = HTML_LANG[l];
}

/**
 * A page's messages, looked up by key in the current language; `{name}` in a message is replaced by
 * `params.name` (a placeholder without a param stays as written).
 *
 * @example
 * const t = defineMessages({ opens: { zh: '会议 {time} 开放', en: 'The meeting opens at {time}' } });
 * t('opens', { time: '10:00' });
 */
export function defineMessages<K extends string>(
  m: Record<K, { zh: string; en: string }>,
): (key: K, params?: Record<string, string | number>) => string {
  return (key, params) => {
    const text = m[key][lang()];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : whole,
    );
  };
}
