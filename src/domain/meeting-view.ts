import type { FullMeetingAnswer, SiteListItemAnswer } from '../contract/answers.js';
import type { MeetingRow, SiteRow } from '../store/database.js';
import { formatDateTime } from './time.js';
import { watchUrlOf } from './live-stream.js';

/** Where the links the API hands out point. */
export interface LinkConfig {
  /** `HUIGUAN_PUBLIC_URL`, no trailing slash. */
  publicUrl: string;
  /** Scheme of the protocol links that open a desktop client, without `://` (default `huiguan`). */
  protocolScheme: string;
}

interface Host {
  user_id: string;
  user_name: string;
}

/** The participants' link of a meeting. */
export function joinUrlOf(meeting: MeetingRow, links: LinkConfig): string {
  return `${links.publicUrl}/j/${meeting.conf_number}/${meeting.join_secret}`;
}

/** The links of a meeting. The host's and the participants' carry independent 128-bit secrets. */
export function meetingLinks(meeting: MeetingRow, host: Host, links: LinkConfig) {
  const base = links.publicUrl;
  const authority = base.replace(/^[a-z]+:\/\//i, '');
  const n = meeting.conf_number;
  const pwd = encodeURIComponent(meeting.conf_password);
  return {
    hostStartUrl: `${base}/s/${n}/${meeting.host_secret}`,
    joinUrl: joinUrlOf(meeting, links),
    webClientJoin: `${base}/wc/join/${n}/${meeting.join_secret}?pwd=${pwd}&prefer=1`,
    protocolHostStartUrl: `${links.protocolScheme}://${authority}/start?confno=${n}&token=${meeting.host_secret}&uname=${encodeURIComponent(host.user_name)}`,
    protocolJoinUrl: `${links.protocolScheme}://${authority}/join?confno=${n}&sid=${meeting.join_secret}&pwd=${pwd}`,
  };
}

/** `meetingAuthentication` as answered: a watermark forces it on (§2.2). */
export function effectiveAuthentication(meeting: MeetingRow): number {
  return meeting.watermark === 1 ? 1 : meeting.meeting_authentication;
}

/**
 * The full meeting shape of 2.1, 2.2, 2.3, 2.5–2.7, 2.12 and 2.14. `videoConf`, `videoPhone` and
 * `watchUrl` (2.12, 2.14) are in every one of them.
 */
export function fullMeetingView(meeting: MeetingRow, host: Host, site: SiteRow, links: LinkConfig): FullMeetingAnswer {
  return {
    confId: meeting.id,
    confNumber: meeting.conf_number,
    confName: meeting.conf_name,
    confPassword: meeting.conf_password,
    h323pwd: meeting.h323pwd,
    startTime: formatDateTime(meeting.start_time),
    duration: meeting.duration,
    beforeTime: meeting.before_time,
    confParties: meeting.conf_parties,
    confStatus: meeting.conf_status,
    confDelFlag: meeting.conf_del_flag,
    roomId: meeting.room_id ?? meeting.id,
    virConfId: meeting.id,
    userId: host.user_id,
    userName: host.user_name,
    ...meetingLinks(meeting, host, links),
    rcIps: site.rc_ips,
    optionJbh: meeting.option_jbh,
    optionVideoHost: meeting.option_video_host,
    optionVideoParticipants: meeting.option_video_participants,
    audio: meeting.audio,
    interpretation: meeting.interpretation,
    waitingRoom: meeting.waiting_room,
    watermark: meeting.watermark,
    meetingAuthentication: effectiveAuthentication(meeting),
    videoConf: site.video_phone ? meeting.conf_number : '',
    videoPhone: site.video_phone,
    watchUrl: watchUrlOf(meeting, links),
  };
}

export type FullMeetingView = FullMeetingAnswer;

/** The shorter item of the site lists (2.8–2.10). */
export function siteListItem(meeting: MeetingRow, host: Host, links: LinkConfig): SiteListItemAnswer {
  const { joinUrl, hostStartUrl } = meetingLinks(meeting, host, links);
  return {
    confId: meeting.id,
    confNumber: meeting.conf_number,
    confName: meeting.conf_name,
    startTime: formatDateTime(meeting.start_time),
    duration: meeting.duration,
    joinUrl,
    hostStartUrl,
    confPassword: meeting.conf_password,
    confStatus: meeting.conf_status,
    confParties: meeting.conf_parties,
    userName: host.user_name,
    userId: host.user_id,
    beforeTime: meeting.before_time,
    watchUrl: watchUrlOf(meeting, links),
    interpretation: meeting.interpretation,
  };
}
