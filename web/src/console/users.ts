// The Users page (issue 19): the site's users; owners add and change them (name, cloud recording), delete
// them (by 2.20's rules: scheduled meetings only when asked to cancel them) and give them a new host key.

import type { ConsoleUserView as User } from '../../../src/contract/console-site';
import { button, h } from '../dom';
import { consoleApi, ConsoleError, type Me } from './api';
import { ts } from './messages-site';
import './recordings.css';
import { dataTable } from './table';
import { alertLine, errorText, field, whileBusy } from './ui';

/** A refusal of the API's rules in the reader's words; others as every console page says them. */
function userError(err: unknown): string {
  if (err instanceof ConsoleError) {
    if (err.error === 'code_101') return ts('userMissing');
    if (err.error === 'code_708') return ts('userBusy');
  }
  return errorText(err);
}

interface Page {
  siteSign: string;
  owner: boolean;
  alert: (text: string | null) => void;
  announce: (text: string) => void;
  reload: () => Promise<void>;
  edit: (user: User) => void;
}

function actions(p: Page, u: User, hostKey: HTMLElement): HTMLElement {
  const cell = h('span', { class: 'row-actions' });
  const regenerate: HTMLButtonElement = button(
    ts('newHostKey'),
    {
      class: 'btn btn-secondary btn-small',
      testid: 'new-host-key',
      'aria-label': ts('newHostKeyFor', { user: u.userId }),
    },
    () =>
      void whileBusy(regenerate, ts('saving'), async () => {
        try {
          hostKey.textContent = (await consoleApi.newHostKey(p.siteSign, u.userId)).hostKey;
          p.announce(ts('hostKeyChanged', { user: u.userId }));
        } catch (err) {
          p.alert(userError(err));
        }
      }),
  );
  const edit = button(
    ts('edit'),
    { class: 'btn btn-secondary btn-small', testid: 'edit-user', 'aria-label': ts('editUser', { user: u.userId }) },
    () => p.edit(u),
  );
  const remove: HTMLButtonElement = button(
    ts('delete'),
    {
      class: 'btn btn-ghost-danger btn-small',
      testid: 'delete-user',
      'aria-label': ts('deleteUser', { user: u.userId }),
    },
    () => {
      const force = h('input', { type: 'checkbox', id: `force-${u.userId}`, testid: 'force' });
      const confirm: HTMLButtonElement = button(
        ts('deleteConfirm'),
        { class: 'btn btn-danger btn-small', testid: 'confirm-delete' },
        () =>
          void whileBusy(confirm, ts('deleting'), async () => {
            try {
              await consoleApi.deleteUser(p.siteSign, u.userId, force.checked);
              p.announce(ts('userDeleted', { user: u.userId }));
              await p.reload();
            } catch (err) {
              p.alert(userError(err));
            }
          }),
      );
      const cancel = button(ts('cancel'), { class: 'btn btn-secondary btn-small' }, () => {
        cell.replaceChildren(regenerate, edit, remove);
        remove.focus();
      });
      cell.replaceChildren(
        h('label', { class: 'check', for: `force-${u.userId}` }, force, ts('cancelTheirMeetings')),
        confirm,
        cancel,
      );
      confirm.focus();
    },
  );
  cell.append(regenerate, edit, remove);
  return cell;
}

function userTable(p: Page, users: User[]): HTMLElement {
  const heads = [
    ts('userId'),
    ts('userName'),
    ts('cloudRecording'),
    ts('hostKey'),
    ...(p.owner ? [ts('recActions')] : []),
  ];
  return dataTable(
    'users',
    heads,
    users.map((u) => {
      const hostKey = h('span', { class: 'mono', testid: 'host-key' }, u.hostKey ?? ts('ownersOnly'));
      return {
        attrs: { 'data-user-id': u.userId },
        cells: [
          h('span', { class: 'mono' }, u.userId),
          u.userName,
          u.enableCloudRecord === 1 ? ts('yes') : ts('no'),
          hostKey,
          ...(p.owner ? [actions(p, u, hostKey)] : []),
        ],
      };
    }),
  );
}

/** The form that adds a user, or changes the one `edit` put into it. */
function userForm(p: Omit<Page, 'edit'>): { el: HTMLElement; edit: (user: User) => void } {
  const userId = field(ts('userId'), { name: 'user-id', autocomplete: 'off', required: true, maxlength: '32' });
  const userName = field(ts('userName'), { name: 'user-name', autocomplete: 'off', required: true, maxlength: '200' });
  const cloud = h('input', { type: 'checkbox', id: 'f-cloud-record', name: 'cloud-record' });
  const title = h('h2', {}, ts('addUser'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'save-user' }, ts('addUser'));
  let editing = false;
  const reset = () => {
    editing = false;
    userId.input.readOnly = false;
    userId.input.value = '';
    userName.input.value = '';
    cloud.checked = false;
    title.textContent = ts('addUser');
    submit.textContent = ts('addUser');
    cancel.hidden = true;
  };
  const cancel = button(ts('cancel'), { class: 'btn btn-secondary', hidden: true }, reset);
  const form = h(
    'form',
    { class: 'console-form invite-form', novalidate: true },
    userId.wrap,
    userName.wrap,
    h('label', { class: 'check', for: 'f-cloud-record' }, cloud, ts('cloudRecordingAllowed')),
    h('div', { class: 'row-actions' }, submit, cancel),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, ts('saving'), async () => {
      p.alert(null);
      try {
        const saved = await consoleApi.saveUser(p.siteSign, {
          userId: userId.input.value.trim(),
          userName: userName.input.value.trim(),
          enableCloudRecord: cloud.checked ? 1 : 0,
          create: !editing,
        });
        p.announce(ts('userSaved', { user: saved.userId }));
        reset();
        await p.reload();
      } catch (err) {
        p.alert(userError(err));
      }
    });
  });
  const el = h('section', { class: 'panel console-panel', testid: 'user-form' }, title, form);
  return {
    el,
    edit(user) {
      editing = true;
      userId.input.value = user.userId;
      userId.input.readOnly = true;
      userName.input.value = user.userName;
      cloud.checked = user.enableCloudRecord === 1;
      title.textContent = ts('editUser', { user: user.userId });
      submit.textContent = ts('save');
      cancel.hidden = false;
      userName.input.focus();
    },
  };
}

/** Draws the Users page into `main`: loading, then the list (or its empty state), and for owners the form. */
export function usersPage(main: HTMLElement, me: Me, siteSign: string): void {
  const owner = me.account.role === 'owner';
  const alert = alertLine();
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', testid: 'status' });
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, ts('usersLoading')));
  main.append(h('h1', {}, ts('usersTitle')), h('p', { class: 'lead' }, ts('usersLead')), alert.el, status);
  const page: Page = {
    siteSign,
    owner,
    alert: alert.show,
    announce: (text) => (status.textContent = text),
    reload: async () => {
      try {
        const { users, total } = await consoleApi.users(siteSign);
        body.setAttribute('aria-busy', 'false');
        body.replaceChildren(
          users.length === 0
            ? h('p', { class: 'empty', testid: 'users-empty' }, ts('usersEmpty'))
            : userTable(page, users),
          ...(total > users.length ? [h('p', { class: 'muted' }, ts('usersMore', { n: total - users.length }))] : []),
        );
      } catch (err) {
        body.setAttribute('aria-busy', 'false');
        body.replaceChildren();
        alert.show(errorText(err));
      }
    },
    edit: () => undefined,
  };
  if (owner) {
    const form = userForm(page);
    page.edit = form.edit;
    main.append(form.el);
  } else main.append(h('p', { class: 'muted' }, ts('viewersOnlyLook')));
  main.append(body);
  void page.reload();
}
