import { describe, expect, it } from 'vitest';
import { deviceFromUserAgent } from './device.js';

describe('deviceFromUserAgent', () => {
  it('tells pc, mobile and other devices apart', () => {
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      ),
    ).toEqual({ device: 'Windows', deviceType: 'pc' });
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      ),
    ).toEqual({ device: 'Linux', deviceType: 'pc' });
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      ).deviceType,
    ).toBe('mobile');
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
      ),
    ).toEqual({ device: 'Android', deviceType: 'mobile' });
    expect(deviceFromUserAgent('curl/8.0')).toEqual({ device: '', deviceType: '其他' });
    expect(deviceFromUserAgent(undefined).deviceType).toBe('其他');
  });
});
