// The start/join page's and the room's words, in Chinese and English (web/src/i18n.ts). The server sends codes
// (states, `error` codes of the JSON calls, close codes); the page words them here.

import { defineMessages } from './i18n';

const messages = {
  title: { zh: '会管 Huiguan', en: 'Huiguan' },
  language: { zh: '语言', en: 'Language' },

  // States (docs/web-protocol.md), shown in data-testid=state.
  'state.loading': { zh: '正在加载…', en: 'Loading…' },
  'state.invalid': { zh: '会议链接无效', en: 'This link is not valid' },
  'state.cancelled': { zh: '会议已取消', en: 'This meeting was cancelled' },
  'state.error': { zh: '无法加载会议信息', en: 'Could not load the meeting' },
  'state.connecting': { zh: '正在连接…', en: 'Connecting…' },
  'state.host_wait': { zh: '等待主持人开始会议', en: 'Waiting for the host to start the meeting' },
  'state.lobby': { zh: '等候室：请等待主持人允许入会', en: 'Waiting room: the host will let you in' },
  'state.in_meeting': { zh: '会议中', en: 'In the meeting' },
  'state.full': { zh: '会议人数已满', en: 'The meeting is full' },
  'state.removed': { zh: '你已被主持人移出会议', en: 'The host removed you' },
  'state.ended': { zh: '会议已结束', en: 'This meeting has ended' },
  'state.left': { zh: '你已离开会议', en: 'You left the meeting' },
  'state.disconnected': { zh: '连接已断开', en: 'Connection lost' },
  'state.reconnecting': { zh: '连接中断，正在重新连接…', en: 'Connection lost: reconnecting…' },
  'state.formHost': { zh: '确认名字后开始会议', en: 'Confirm your name to start the meeting' },
  'state.formAttendee': { zh: '输入名字后加入会议', en: 'Enter your name to join the meeting' },

  invalidHint: {
    zh: '请确认链接完整（可与邀请中的对照），或用会议号加入。',
    en: 'Check that the link is complete (compare it with your invitation), or join with the meeting ID.',
  },
  cancelledHint: { zh: '主持人已取消这个会议，它不会举行。', en: 'The host cancelled it: it will not take place.' },
  notOpen: { zh: '会议尚未开放。开放时间：{time}', en: 'The meeting is not open yet. It opens at {time}.' },
  frontDoor: { zh: '用会议号加入会议', en: 'Join a meeting with its ID' },

  // The meeting's card and the form.
  'status.live': { zh: '进行中', en: 'Live' },
  'status.ended': { zh: '已结束', en: 'Ended' },
  'status.scheduled': { zh: '未开始', en: 'Scheduled' },
  roleHost: { zh: '主持人', en: 'Host' },
  roleAttendee: { zh: '参会者', en: 'Attendee' },
  meetingId: { zh: '会议号', en: 'Meeting ID' },
  time: { zh: '会议时间', en: 'Time' },
  localTime: { zh: '可入会时段（本地时间）', en: 'Open to join, your time' },
  name: { zh: '名字', en: 'Name' },
  namePlaceholder: { zh: '你的名字', en: 'Your name' },
  password: { zh: '密码', en: 'Password' },
  passwordPlaceholder: { zh: '会议密码', en: 'Meeting password' },
  hostKey: { zh: '主持人密钥', en: 'Host key' },
  hostKeyPlaceholder: { zh: '主持人密钥（可选）', en: 'Host key (optional)' },
  start: { zh: '开始会议', en: 'Start meeting' },
  join: { zh: '加入会议', en: 'Join meeting' },
  retry: { zh: '重试', en: 'Retry' },
  leave: { zh: '离开', en: 'Leave' },
  rejoin: { zh: '重新加入', en: 'Rejoin' },

  // Refusals of the JSON calls, by `error` code (docs/web-protocol.md).
  'error.network': { zh: '网络错误，请稍后重试', en: 'Network error, please try again' },
  'error.bad_name': { zh: '请输入名字（最多 64 个字符）', en: 'Enter a name of at most 64 characters' },
  'error.bad_password': { zh: '会议密码不正确', en: 'The meeting password is wrong' },
  'error.registration_required': {
    zh: '这个会议只对已报名的人开放：请使用报名后收到的个人链接',
    en: 'This meeting is for registrants only: use the personal link you received when you registered',
  },
  'error.registration_pending': {
    zh: '你的报名尚未获批准',
    en: 'Your registration has not been approved yet',
  },
  'error.bad_host_key': { zh: '主持人密钥不正确', en: 'The host key is wrong' },
  'error.too_early': { zh: '会议尚未开放。开放时间：{time}', en: 'The meeting is not open yet. It opens at {time}.' },
  'error.ended': { zh: '会议已结束', en: 'This meeting has ended' },
  'error.too_many_attempts': {
    zh: '尝试次数过多，请在 {time} 之后再试',
    en: 'Too many tries: try again after {time}',
  },
  'error.too_many_attempts_no_time': { zh: '尝试次数过多，请稍后再试', en: 'Too many tries: try again later' },
  'error.refused': { zh: '请求被拒绝（{code}）', en: 'Refused ({code})' },
  'error.notConnected': { zh: '未连接', en: 'Not connected' },

  // Why the server closed the socket, by close code.
  'closed.4001': { zh: '会议已在另一个窗口打开', en: 'The meeting was opened in another window' },

  // Media.
  screenFailed: { zh: '无法共享屏幕', en: 'Could not share the screen' },
  deviceFailed: { zh: '无法使用该设备', en: 'Could not use that device' },
  recordFailed: { zh: '无法开始录制', en: 'Could not start recording' },
  mutedByHost: { zh: '主持人已将你静音', en: 'The host muted you' },
  mediaServer: { zh: '媒体服务器：{text}', en: 'Media server: {text}' },

  // The room.
  participants: { zh: '参会者', en: 'Participants' },
  waitingRoom: { zh: '等候室', en: 'Waiting room' },
  timeLeft: { zh: '剩余时间', en: 'Time left' },
  end: { zh: '结束会议', en: 'End meeting' },
  endQuestion: {
    zh: '为所有人结束会议？每个人都将离开会议。',
    en: 'End the meeting for everyone? Everyone will leave it.',
  },
  endForAll: { zh: '为所有人结束', en: 'End for everyone' },
  cancel: { zh: '取消', en: 'Cancel' },
  badgeHost: { zh: '主持人', en: 'host' },
  badgeYou: { zh: '你', en: 'you' },
  mute: { zh: '静音', en: 'Mute' },
  muteAll: { zh: '全体静音', en: 'Mute all' },
  askUnmute: { zh: '请求取消静音', en: 'Ask to unmute' },
  unmuteAsked: { zh: '主持人请你取消静音', en: 'The host asks you to unmute' },
  unmuteAccept: { zh: '取消静音', en: 'Unmute' },
  unmuteDecline: { zh: '保持静音', en: 'Stay muted' },
  mutedOther: { zh: '已静音', en: 'Muted' },
  remove: { zh: '移除', en: 'Remove' },
  admit: { zh: '允许', en: 'Admit' },
  'device.pc': { zh: '电脑', en: 'PC' },
  'device.web': { zh: '网页', en: 'Web' },
  'device.mobile': { zh: '手机', en: 'Mobile' },
  'device.phone': { zh: '电话', en: 'Phone' },
  'device.tablet': { zh: '平板', en: 'Tablet' },
  microphoneMuted: { zh: '麦克风已关闭', en: 'Microphone off' },
  cameraOff: { zh: '摄像头已关闭', en: 'Camera off' },

  // Handing the host role over.
  makeHost: { zh: '设为主持人', en: 'Make host' },
  hostQuestion: {
    zh: '将主持人身份移交给 {name}？你将不再是主持人。',
    en: 'Make {name} the host? You will no longer be the host.',
  },
  nowHost: { zh: '你现在是主持人', en: 'You are the host now' },
  noLongerHost: { zh: '你已不再是主持人', en: 'You are no longer the host' },

  // Chat.
  chat: { zh: '聊天', en: 'Chat' },
  chatEmpty: { zh: '还没有消息', en: 'No messages yet' },
  chatPlaceholder: { zh: '发送给所有人', en: 'Message everyone' },
  chatSend: { zh: '发送', en: 'Send' },

  // Requests the server refused over the WebSocket, by `reason` (docs/web-protocol.md).
  'refused.chat_empty': { zh: '消息不能为空', en: 'The message is empty' },
  'refused.chat_too_long': {
    zh: '消息太长：最多 1000 个字符',
    en: 'The message is too long: 1,000 characters at most',
  },
  'refused.chat_too_fast': {
    zh: '发送太快：每 5 秒最多 5 条，请稍候',
    en: 'Too fast: at most 5 messages in 5 seconds, wait a moment',
  },
  'refused.chat_full': {
    zh: '本场会议的聊天消息已达上限',
    en: 'This meeting has reached its limit of chat messages',
  },
  'refused.not_host': { zh: '只有主持人可以这样做', en: 'Only the host can do that' },

  raiseHand: { zh: '举手', en: 'Raise hand' },
  lowerHand: { zh: '放下手', en: 'Lower hand' },
  handRaised: { zh: '已举手', en: 'Hand raised' },
  copyInvitation: { zh: '复制邀请', en: 'Copy invitation' },
  copied: { zh: '已复制', en: 'Copied' },
  copyFailed: { zh: '无法复制到剪贴板', en: 'Could not copy to the clipboard' },
  invitation: {
    zh: '邀请你参加会议：{meeting}\n加入会议：{url}\n会议号：{id}',
    en: 'You are invited to a meeting: {meeting}\nJoin: {url}\nMeeting ID: {id}',
  },
  invitationPassword: { zh: '会议密码：{password}', en: 'Password: {password}' },

  // Before joining.
  previewMicOn: { zh: '入会时开启麦克风', en: 'Join with microphone on' },
  previewMicOff: { zh: '入会时静音', en: 'Join muted' },
  level: { zh: '麦克风音量', en: 'Microphone level' },
  noDevices: {
    zh: '没有可用的摄像头或麦克风：你仍可加入会议，收听收看。',
    en: 'No camera or microphone available: you can still join, to listen and watch.',
  },

  // The media toolbar.
  microphone: { zh: '麦克风', en: 'Microphone' },
  camera: { zh: '摄像头', en: 'Camera' },
  unmuteSelf: { zh: '取消静音', en: 'Unmute' },
  muteSelf: { zh: '静音', en: 'Mute' },
  startVideo: { zh: '开启视频', en: 'Start video' },
  stopVideo: { zh: '关闭视频', en: 'Stop video' },
  shareScreen: { zh: '共享屏幕', en: 'Share screen' },
  stopSharing: { zh: '停止共享', en: 'Stop sharing' },
  record: { zh: '云录制', en: 'Record' },
  stopRecording: { zh: '停止录制', en: 'Stop recording' },
  goLive: { zh: '开始直播', en: 'Go live' },
  stopLive: { zh: '停止直播', en: 'Stop live' },
  speakerView: { zh: '演讲者视图', en: 'Speaker view' },
  galleryView: { zh: '宫格视图', en: 'Gallery view' },
  previous: { zh: '上一页', en: 'Previous' },
  next: { zh: '下一页', en: 'Next' },
  screenOf: { zh: '{name} · 屏幕', en: '{name} · screen' },
  'record.recording': { zh: '录制中', en: 'Recording' },
  'record.saving': { zh: '正在保存录制…', en: 'Saving the recording…' },
  'record.saved': { zh: '录制已保存', en: 'Recording saved' },
  'record.failed': { zh: '录制失败', en: 'Recording failed' },
  'record.composing': { zh: '正在合成录制…', en: 'Composing the recording…' },
  'live.starting': { zh: '正在开始直播…', en: 'Going live…' },
  'live.live': { zh: '直播中', en: 'Live' },
  'live.failed': { zh: '直播失败', en: 'The live stream failed' },
};

export type MessageKey = keyof typeof messages;

export const t = defineMessages<MessageKey>(messages);

/** `key` when the catalogue has it, else null: for codes from the server the page may not know. */
export function known(key: string): MessageKey | null {
  return Object.hasOwn(messages, key) ? (key as MessageKey) : null;
}
