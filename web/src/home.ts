// The front door (`/`): join a meeting by its number and password, and the ways to the console and to the API
// reference. Joining hands over to the meeting's join page (main.ts), the password carried for its form.

import './home.css';
import { ApiError, joinByNumber } from './api';
import { h } from './dom';
import { defineMessages } from './i18n';
import { languageSwitch } from './lang-switch';
import { formatLocal } from './time';
import { card, setError, setState, showScreen, type Shell } from './view';

const t = defineMessages({
  pageTitle: { zh: '会管 · 加入会议', en: 'Huiguan · Join a meeting' },
  title: { zh: '加入会议', en: 'Join a meeting' },
  lead: {
    zh: '输入邀请中的会议号和密码。',
    en: 'Enter the meeting ID and the password from your invitation.',
  },
  number: { zh: '会议号', en: 'Meeting ID' },
  password: { zh: '会议密码', en: 'Meeting password' },
  passwordHint: { zh: '会议没有密码则留空', en: 'Leave empty if the meeting has none' },
  join: { zh: '加入', en: 'Join' },
  joining: { zh: '正在查找会议…', en: 'Looking for the meeting…' },
  badNumber: { zh: '会议号是 10 位数字。', en: 'A meeting ID has 10 digits.' },
  notFound: {
    zh: '没有这个会议号的会议。请检查后重试。',
    en: 'No meeting has this ID. Check it and try again.',
  },
  badPassword: { zh: '会议密码错误。', en: 'The meeting password is not right.' },
  cancelled: { zh: '这个会议已取消。', en: 'This meeting was cancelled.' },
  tooMany: {
    zh: '尝试次数过多。请在 {time} 之后再试。',
    en: 'Too many tries. Try again after {time}.',
  },
  tooManyNoTime: { zh: '尝试次数过多。请稍后再试。', en: 'Too many tries. Try again later.' },
  network: { zh: '网络错误，请稍后重试。', en: 'Network error. Please try again.' },
  more: { zh: '更多', en: 'More' },
  console: { zh: '控制台', en: 'Console' },
  consoleHint: {
    zh: '站点管理员：管理站点、会议和 API 密钥',
    en: 'For site administrators: sites, meetings and API keys',
  },
  docs: { zh: 'API 文档', en: 'API documentation' },
  docsHint: {
    zh: '开发者：BizConf OpenAPI v2 接口，可在浏览器中试用',
    en: 'For developers: the BizConf OpenAPI v2, to try in the browser',
  },
  language: { zh: '语言', en: 'Language' },
});

const CARRIED = 'huiguan.join.password';

/** Whether `pathname` is the front door's. */
export function isFrontDoor(pathname: string): boolean {
  return pathname === '/' || pathname === '/index.html';
}

/**
 * The password typed at the front door for the meeting `confNumber`, once: the join page's form takes it, and it
 * is forgotten at once (it lives in this tab's sessionStorage between the two pages, never in the address).
 */
export function takeCarriedPassword(confNumber: string): string {
  try {
    const raw = sessionStorage.getItem(CARRIED);
    sessionStorage.removeItem(CARRIED);
    const carried = raw ? (JSON.parse(raw) as { confNumber?: unknown; password?: unknown }) : {};
    return carried.confNumber === confNumber && typeof carried.password === 'string' ? carried.password : '';
  } catch {
    return '';
  }
}

function carryPassword(confNumber: string, password: string): void {
  try {
    if (password) sessionStorage.setItem(CARRIED, JSON.stringify({ confNumber, password }));
  } catch {
    // Not kept: the join page asks for it again.
  }
}

/** What was typed, kept across a change of language. */
interface Typed {
  number: string;
  password: string;
}

/** Renders the front door into the page's shell; `topbar` receives the language switch. */
export function showFrontDoor(shell: Shell, topbar: HTMLElement | null): void {
  const typed: Typed = { number: '', password: '' };
  const render = () => {
    document.title = t('pageTitle');
    showScreen(shell, joinCard(shell, typed), moreCard());
  };
  topbar?.append(languageSwitch(() => t('language'), render));
  render();
}

function joinCard(shell: Shell, typed: Typed): HTMLElement {
  setState(shell, 'home', t('lead'));
  setError(shell, '');
  const number = h('input', {
    testid: 'meeting-number-input',
    id: 'meeting-number',
    name: 'confNumber',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: '123 456 7890',
    maxlength: '20',
    enterkeyhint: 'next',
  });
  number.value = typed.number;
  number.addEventListener('input', () => (typed.number = number.value));
  const password = h('input', {
    testid: 'meeting-password-input',
    id: 'meeting-password',
    name: 'password',
    type: 'password',
    autocomplete: 'off',
    placeholder: t('passwordHint'),
    maxlength: '32',
    enterkeyhint: 'go',
  });
  password.value = typed.password;
  password.addEventListener('input', () => (typed.password = password.value));
  const submit = h('button', { testid: 'join-button', type: 'submit', class: 'btn btn-primary btn-block' }, t('join'));
  const form = h(
    'form',
    { class: 'enter-form', novalidate: true, testid: 'join-by-number' },
    h('label', { for: 'meeting-number' }, t('number')),
    number,
    h('label', { for: 'meeting-password' }, t('password')),
    password,
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const confNumber = number.value.replace(/[\s-]/g, '');
    if (!/^\d{10}$/.test(confNumber)) {
      setError(shell, t('badNumber'));
      number.focus();
      return;
    }
    submit.disabled = true;
    setState(shell, 'joining', t('joining'));
    setError(shell, '');
    joinByNumber(confNumber, password.value).then(
      ({ path }) => {
        carryPassword(confNumber, password.value);
        location.assign(path);
      },
      (err: unknown) => {
        submit.disabled = false;
        setState(shell, 'home', t('lead'));
        setError(shell, refusal(err));
        (err instanceof ApiError && err.code === 'bad_password' ? password : number).focus();
      },
    );
  });
  if (!typed.number) queueMicrotask(() => number.focus());
  return card(
    'card-form card-front-door',
    h('h1', { class: 'meeting-name' }, t('title')),
    shell.state,
    form,
    shell.error,
  );
}

/** The page's words for a refusal of join-by-number (docs/web-protocol.md). */
function refusal(err: unknown): string {
  if (!(err instanceof ApiError)) return t('network');
  switch (err.code) {
    case 'bad_number':
      return t('badNumber');
    case 'not_found':
      return t('notFound');
    case 'bad_password':
      return t('badPassword');
    case 'cancelled':
      return t('cancelled');
    case 'too_many_attempts':
      return err.retryAt ? t('tooMany', { time: formatLocal(err.retryAt) }) : t('tooManyNoTime');
    default:
      return t('network');
  }
}

function moreCard(): HTMLElement {
  const entry = (testid: string, href: string, label: string, hint: string) =>
    h('li', {}, h('a', { testid, href }, label), h('span', { class: 'hint' }, hint));
  return h(
    'nav',
    { class: 'card front-door-more', 'aria-label': t('more') },
    h(
      'ul',
      {},
      entry('console-link', '/console/', t('console'), t('consoleHint')),
      entry('docs-link', '/docs', t('docs'), t('docsHint')),
    ),
  );
}
