// The Recordings page (issue 19): the site's cloud recordings as getCloudFileList lists them, each to play
// or download through its signed link, and for owners to delete (the file and its row).

import type { ConsoleRecordingView as Recording } from '../../../src/contract/console-site';
import { button, h } from '../dom';
import { formatLocal } from '../time';
import { consoleApi, type Me } from './api';
import { ts } from './messages-site';
import './recordings.css';
import { dataTable } from './table';
import { alertLine, errorText } from './ui';

function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function lengthText(r: Recording): string {
  const seconds = Math.round((Date.parse(r.recordEnd) - Date.parse(r.recordStart)) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The delete control: asks once more before it deletes. */
function deleteControl(siteSign: string, r: Recording, deleted: () => void, alert: (text: string | null) => void) {
  const cell = h('span', { class: 'row-actions' });
  const ask = (): void => {
    const confirm: HTMLButtonElement = button(
      ts('deleteConfirm'),
      { class: 'btn btn-danger btn-small', testid: 'confirm-delete' },
      () => {
        confirm.disabled = true;
        confirm.textContent = ts('deleting');
        consoleApi.deleteRecording(siteSign, r.recordId).then(deleted, (err: unknown) => {
          alert(errorText(err));
          cell.replaceChildren(start);
          start.focus();
        });
      },
    );
    const cancel = button(ts('cancel'), { class: 'btn btn-secondary btn-small' }, () => {
      cell.replaceChildren(start);
      start.focus();
    });
    cell.replaceChildren(confirm, cancel);
    confirm.focus();
  };
  const start = button(
    ts('delete'),
    {
      class: 'btn btn-ghost-danger btn-small',
      testid: 'delete-recording',
      'aria-label': ts('deleteNamed', { topic: r.topic }),
    },
    ask,
  );
  cell.append(start);
  return cell;
}

function recordingTable(
  siteSign: string,
  list: Recording[],
  owner: boolean,
  reload: () => void,
  alert: (text: string | null) => void,
) {
  const heads = [ts('recTopic'), ts('recStart'), ts('recLength'), ts('recSize'), ts('recActions')];
  return dataTable(
    'recordings',
    heads,
    list.map((r) => ({
      attrs: { 'data-record-id': String(r.recordId) },
      cells: [
        h(
          'span',
          {},
          h('span', { class: 'rec-topic' }, r.topic),
          h('span', { class: 'muted rec-meeting' }, ts('recMeeting', { number: r.confNumber, type: r.fileType })),
        ),
        formatLocal(Date.parse(r.recordStart)),
        lengthText(r),
        sizeText(r.fileSizeBytes),
        h(
          'span',
          { class: 'row-actions' },
          h(
            'a',
            { href: r.playUrl, target: '_blank', rel: 'noopener', class: 'btn btn-secondary btn-small' },
            ts('play'),
          ),
          h('a', { href: r.downloadUrl, download: '', class: 'btn btn-secondary btn-small' }, ts('download')),
          owner ? deleteControl(siteSign, r, reload, alert) : null,
        ),
      ],
    })),
  );
}

/** Draws the Recordings page into `main`: loading, then the list, its empty state or the refusal. */
export function recordingsPage(main: HTMLElement, me: Me, siteSign: string): void {
  const owner = me.account.role === 'owner';
  const alert = alertLine();
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, ts('recordingsLoading')));
  main.append(
    h('h1', {}, ts('recordingsTitle')),
    h('p', { class: 'lead' }, ts('recordingsLead')),
    alert.el,
    status,
    body,
  );
  if (!owner) main.append(h('p', { class: 'muted' }, ts('viewersOnlyLook')));
  const load = async (announce?: string) => {
    try {
      const { recordings, total } = await consoleApi.recordings(siteSign);
      body.setAttribute('aria-busy', 'false');
      if (recordings.length === 0)
        body.replaceChildren(h('p', { class: 'empty', testid: 'recordings-empty' }, ts('recordingsEmpty')));
      else
        body.replaceChildren(
          recordingTable(siteSign, recordings, owner, () => void load(ts('deleted')), alert.show),
          ...(total > recordings.length
            ? [h('p', { class: 'muted' }, ts('recordingsMore', { n: total - recordings.length }))]
            : []),
        );
      if (announce) status.textContent = announce;
    } catch (err) {
      body.setAttribute('aria-busy', 'false');
      body.replaceChildren();
      alert.show(errorText(err));
    }
  };
  void load();
}
