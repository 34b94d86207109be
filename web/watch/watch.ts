/**
 * The live stream's watch page (`watchUrl` of a meeting with isTuiliu=1): plays the server's HLS with
 * hls.js (or the browser's own HLS), and says when the meeting is not live. It asks `<page>/status` every
 * few seconds; it needs no seat and no join, only the link.
 */
import Hls from 'hls.js/light';
import './watch.css';

interface WatchStatus {
  confName: string;
  state: 'off' | 'starting' | 'live' | 'failed';
  /** The playlist, relative to the page; empty while there is nothing to play. */
  playlist: string;
}

const POLL_MS = 4000;
const base = location.pathname.replace(/\/+$/, '');
const video = document.getElementById('video') as HTMLVideoElement;
const notice = document.getElementById('notice') as HTMLParagraphElement;
const title = document.getElementById('title') as HTMLHeadingElement;
let hls: Hls | undefined;
let playing = false;
let played = false;

function say(text: string): void {
  notice.textContent = text;
  notice.hidden = false;
  video.hidden = true;
}

function stop(): void {
  hls?.destroy();
  hls = undefined;
  playing = false;
  video.removeAttribute('src');
  video.load();
}

function play(playlist: string): void {
  const url = `${base}/${playlist}`;
  playing = true;
  played = true;
  notice.hidden = true;
  video.hidden = false;
  if (Hls.isSupported()) {
    // No worker: the page's Content-Security-Policy allows scripts from the server only, not blob: workers.
    hls = new Hls({ enableWorker: false, liveSyncDurationCount: 2, manifestLoadingMaxRetry: 3 });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      stop();
      say('直播连接中断，正在重试… (the stream was interrupted; retrying…)');
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
  } else {
    say('此浏览器无法播放直播 (this browser cannot play the stream)');
    return;
  }
  void video.play().catch(() => undefined);
}

async function poll(): Promise<void> {
  let status: WatchStatus;
  try {
    const answer = await fetch(`${base}/status`, { cache: 'no-store' });
    if (answer.status === 404) {
      say('直播链接无效 (this watch link is not valid)');
      return;
    }
    status = (await answer.json()) as WatchStatus;
  } catch {
    if (!playing) say('无法连接服务器，正在重试… (cannot reach the server; retrying…)');
    setTimeout(() => void poll(), POLL_MS);
    return;
  }
  title.textContent = `${status.confName} · 直播 (Live)`;
  document.title = `${status.confName} · 直播 Live`;
  if (status.playlist !== '') {
    if (!playing) play(status.playlist);
  } else {
    if (playing) stop();
    if (status.state === 'failed') say('直播出现故障 (the live stream failed)');
    else if (status.state === 'starting') say('直播即将开始… (the live stream is starting…)');
    else say(played ? '直播已结束 (the live stream has ended)' : '直播尚未开始 (not live yet)');
  }
  setTimeout(() => void poll(), POLL_MS);
}

void poll();
