// The words of the console's pages about a site's use (Overview, …), in Chinese and English.

import { defineMessages } from '../i18n';

export const ts = defineMessages({
  usageTitle: { zh: '使用情况', en: 'Usage' },
  rangeLabel: { zh: '统计范围', en: 'Range' },
  lastDays: { zh: '最近 {n} 天', en: 'Last {n} days' },
  usageLoading: { zh: '正在加载使用情况…', en: 'Loading usage…' },
  usageEmpty: {
    zh: '最近 {n} 天没有举行过会议。会议举行后，这里会显示会议时长、参会人次和并发方数。',
    en: 'No meetings were held in the last {n} days. Once they are, their minutes, participants and concurrent parties show here.',
  },
  daysInGmt: {
    zh: '按格林尼治时间（GMT）的日期统计，与统计接口一致。',
    en: 'Days are GMT days, as the statistics API counts them.',
  },
  chartMinutes: { zh: '每天的会议时长与参会人时长（分钟）', en: 'Meeting and participant minutes per day' },
  chartJoins: { zh: '每天的参会人次', en: 'Participants per day' },
  chartDevices: { zh: '参会设备', en: 'Devices' },
  chartPeak: { zh: '每天的最高并发方数与授权方数', en: 'Peak concurrent parties per day, against the licence' },
  seriesMeetingMinutes: { zh: '会议时长', en: 'Meeting minutes' },
  seriesParticipantMinutes: { zh: '参会人时长', en: 'Participant minutes' },
  seriesJoins: { zh: '参会人次', en: 'Participants' },
  seriesPeak: { zh: '最高并发方数', en: 'Peak parties' },
  seriesLicence: { zh: '授权方数', en: 'Licence' },
  deviceCount: { zh: '人次', en: 'Joins' },
  devicePc: { zh: '电脑', en: 'Computer' },
  deviceMobile: { zh: '手机', en: 'Phone' },
  deviceOther: { zh: '其他', en: 'Other' },
  summaryMinutes: {
    zh: '{n} 天内会议共 {meeting} 分钟，参会人共 {participant} 分钟。',
    en: '{meeting} meeting minutes and {participant} participant minutes in {n} days.',
  },
  summaryJoins: { zh: '{n} 天内共 {joins} 人次参会。', en: '{joins} participants joined in {n} days.' },
  summaryDevices: {
    zh: '电脑 {pc}，手机 {mobile}，其他 {other}。',
    en: 'Computer {pc}, phone {mobile}, other {other}.',
  },
  summaryPeak: {
    zh: '最高并发 {peak} 方（{day}），授权 {licence} 方。',
    en: 'At most {peak} parties at once ({day}); the licence allows {licence}.',
  },
  showTable: { zh: '以表格显示', en: 'Show as a table' },
  day: { zh: '日期', en: 'Day' },
  liveTitle: { zh: '正在进行的会议', en: 'Live now' },
  liveEmpty: { zh: '现在没有正在进行的会议。', en: 'No meeting is in progress.' },
  presentOf: { zh: '{present} 人在会 / {parties} 方', en: '{present} present of {parties} parties' },
  upcomingTitle: { zh: '今天及即将举行的会议', en: 'Today and upcoming' },
  upcomingEmpty: { zh: '没有预约中的会议。', en: 'No meetings are scheduled.' },
  today: { zh: '今天', en: 'Today' },
  later: { zh: '之后', en: 'Later' },
  moreMeetings: { zh: '另有 {n} 个未列出。', en: '{n} more not listed.' },
  meetingLine: {
    zh: '{time} · {minutes} 分钟 · 主持人 {host} · 会议号 {number}',
    en: '{time} · {minutes} min · host {host} · no. {number}',
  },
  licenceTitle: { zh: '授权使用', en: 'Licence use' },
  bookedNow: { zh: '现在预约占用', en: 'Booked now' },
  presentNow: { zh: '现在在会', en: 'Present now' },
  partiesOf: { zh: '{n} / {total} 方', en: '{n} of {total} parties' },
  people: { zh: '{n} 人', en: '{n}' },
});
