/**
 * The console's Recordings page (issue 19): a site's cloud recordings as getCloudFileList (2.19) sees them,
 * and deleting one, its row and its file together.
 */
import type { ConsoleRecordingView } from '../contract/console-site.js';
import type { Db, SiteRow } from '../store/database.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { deleteRecordingRow, siteRecordings, type RecordingRow } from '../store/recordings.repository.js';
import { pageRefusal } from './errors.js';
import { recordingLinkExpiry, recordingLinks } from './recording-links.js';

/** Recordings the page lists. */
const LISTED = 200;

/** The site's recordings of meetings not deleted, newest first, with fresh signed links. */
export async function listSiteRecordings(
  db: Db,
  site: SiteRow,
  links: { publicUrl: string; ttlMs: number },
  now: number,
): Promise<{ recordings: ConsoleRecordingView[]; total: number }> {
  const expires = recordingLinkExpiry(now, links.ttlMs);
  const { rows, total } = await siteRecordings(db, site.id, LISTED);
  const recordings = rows.map((r) => ({
    recordId: r.id,
    confNumber: r.conf_number,
    confName: r.conf_name,
    topic: r.topic,
    recordStart: new Date(r.record_start).toISOString(),
    recordEnd: new Date(r.record_end).toISOString(),
    fileSizeBytes: r.file_size,
    fileType: r.file_type,
    ...recordingLinks(links.publicUrl, site.api_key, r.id, expires),
  }));
  return { recordings, total };
}

/**
 * Deletes the site's recording `recordId`: its row (and what points at it) in a transaction, during which
 * the file is taken from its key; when the transaction fails the file is put back, once it commits the file
 * is removed. Of two processes deleting one recording, one deletes it and the other is answered 404, as for
 * a recording of another site. A process killed after taking the file leaves it under a temporary name that
 * the recording storage's stale sweep removes.
 */
export async function deleteSiteRecording(
  db: Db,
  storage: RecordingStorage,
  site: SiteRow,
  recordId: number,
): Promise<RecordingRow> {
  let taken: Awaited<ReturnType<RecordingStorage['discard']>> | undefined;
  let deleted: RecordingRow;
  try {
    deleted = await db.transaction().execute(async (trx) => {
      const row = await deleteRecordingRow(trx, site.id, recordId);
      if (!row) throw pageRefusal(404, 'not_found', `录制不存在 (no recording ${recordId})`);
      taken = await storage.discard(row.storage_key);
      return row;
    });
  } catch (err) {
    await taken?.restore();
    throw err;
  }
  await taken!.purge();
  return deleted;
}
