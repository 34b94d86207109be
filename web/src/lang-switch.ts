// The 中文 / English switch of the meeting pages: the choice is kept (i18n.ts) and the page words itself again.

import { button, h } from './dom';
import { lang, setLang, type Lang } from './i18n';

/** How each language names itself on the switch. */
const LANGUAGES: readonly [Lang, string][] = [
  ['zh', '中文'],
  ['en', 'English'],
];

/**
 * A group of one button per language (`lang-zh`, `lang-en`; the current one pressed); choosing another calls
 * `changed` after setLang.
 */
export function languageSwitch(label: () => string, changed: () => void): HTMLElement {
  const el = h('div', { class: 'lang-switch', role: 'group', testid: 'lang-switch' });
  const draw = () => {
    el.setAttribute('aria-label', label());
    el.replaceChildren(
      ...LANGUAGES.map(([code, name]) =>
        button(
          name,
          {
            testid: `lang-${code}`,
            class: 'lang-option',
            lang: code === 'zh' ? 'zh-CN' : 'en',
            'aria-pressed': String(lang() === code),
          },
          () => {
            if (lang() === code) return;
            setLang(code);
            draw();
            changed();
          },
        ),
      ),
    );
  };
  draw();
  return el;
}
