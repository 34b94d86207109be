import { UAParser } from 'ua-parser-js';

/** A participant's `device` (operating system) and `deviceType` (pc / mobile / 其他) from a user agent. */
export function deviceFromUserAgent(userAgent: string | undefined): {
  device: string;
  deviceType: 'pc' | 'mobile' | '其他';
} {
  if (!userAgent) return { device: '', deviceType: '其他' };
  const result = new UAParser(userAgent).getResult();
  const os = result.os.name ?? '';
  const type = result.device.type;
  if (type === 'mobile' || type === 'tablet' || /^(iOS|Android|HarmonyOS)$/.test(os))
    return { device: os, deviceType: 'mobile' };
  if (type === undefined && /^(Windows|Mac OS|macOS|Linux|Ubuntu|Debian|Fedora|Chromium OS|Chrome OS)$/.test(os)) {
    return { device: os === 'Mac OS' ? 'macOS' : os, deviceType: 'pc' };
  }
  return { device: os, deviceType: '其他' };
}
