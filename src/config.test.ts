import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

// The SFU's and TURN's settings (the other settings are checked by the tests of what they govern).

describe('the SFU setting', () => {
  it('is off (the mesh) when nothing is set, and when HUIGUAN_JANUS=off; janus on the PATH alone changes nothing', () => {
    expect(loadConfig({}).sfu).toBeUndefined();
    expect(loadConfig({ HUIGUAN_JANUS: 'off', HUIGUAN_JANUS_BIN: '/usr/bin/janus' }).sfu).toBeUndefined();
  });

  it('HUIGUAN_JANUS=managed: the server runs Janus; defaults for the tools, the recordings and the ports', () => {
    expect(loadConfig({ HUIGUAN_JANUS: 'managed', HUIGUAN_DATA_DIR: '/srv/hg' }).sfu).toEqual({
      mode: 'managed',
      urls: [],
      apiSecret: undefined,
      adminKey: undefined,
      janusBin: 'janus',
      ppRecBin: 'janus-pp-rec',
      ffmpegBin: 'ffmpeg',
      recordingsDir: path.resolve('/srv/hg/sfu-recordings'),
      rtpPorts: '20000-40000',
      publicIps: [],
    });
    expect(
      loadConfig({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_PUBLIC_IP: '203.0.113.7, 2001:db8::7' }).sfu?.publicIps,
    ).toEqual(['203.0.113.7', '2001:db8::7']);
  });

  it('HUIGUAN_JANUS_URLS: external instances with their secret and admin key; tools and ports as given', () => {
    const sfu = loadConfig({
      HUIGUAN_JANUS_URLS: 'ws://10.0.0.5:8188, wss://janus.example.com/ws',
      HUIGUAN_JANUS_API_SECRET: 's3cret',
      HUIGUAN_JANUS_ADMIN_KEY: 'k3y',
      HUIGUAN_JANUS_BIN: '/opt/janus/bin/janus',
      HUIGUAN_JANUS_PP_REC: '/opt/janus/bin/janus-pp-rec',
      HUIGUAN_FFMPEG: '/usr/local/bin/ffmpeg',
      HUIGUAN_JANUS_RECORDINGS_DIR: '/shared/recordings',
      HUIGUAN_JANUS_RTP_PORTS: '30000-30999',
    }).sfu;
    expect(sfu).toEqual({
      mode: 'external',
      urls: ['ws://10.0.0.5:8188', 'wss://janus.example.com/ws'],
      apiSecret: 's3cret',
      adminKey: 'k3y',
      janusBin: '/opt/janus/bin/janus',
      ppRecBin: '/opt/janus/bin/janus-pp-rec',
      ffmpegBin: '/usr/local/bin/ffmpeg',
      recordingsDir: '/shared/recordings',
      rtpPorts: '30000-30999',
      publicIps: [],
    });
    expect(Object.isFrozen(sfu) && Object.isFrozen(sfu!.urls)).toBe(true);
  });

  it('refuses what cannot work, naming the variable', () => {
    const refused = (env: Record<string, string>, variable: string) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(variable);
    };
    refused({ HUIGUAN_JANUS: 'yes' }, 'HUIGUAN_JANUS must be');
    refused({ HUIGUAN_JANUS_URLS: 'http://10.0.0.5:8088/janus' }, 'HUIGUAN_JANUS_URLS');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_URLS: 'ws://10.0.0.5:8188' }, 'HUIGUAN_JANUS_URLS');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_API_SECRET: 'x' }, 'HUIGUAN_JANUS_API_SECRET');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_RTP_PORTS: '40000-20000' }, 'HUIGUAN_JANUS_RTP_PORTS');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_RTP_PORTS: '80-1000' }, 'HUIGUAN_JANUS_RTP_PORTS');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_RTP_PORTS: '20000' }, 'HUIGUAN_JANUS_RTP_PORTS');
    refused({ HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_PUBLIC_IP: 'janus.example.com' }, 'HUIGUAN_JANUS_PUBLIC_IP');
    refused(
      { HUIGUAN_JANUS_URLS: 'ws://10.0.0.5:8188', HUIGUAN_JANUS_PUBLIC_IP: '203.0.113.7' },
      'HUIGUAN_JANUS_PUBLIC_IP',
    );
  });
});

describe('the TURN setting', () => {
  it('is off unless HUIGUAN_TURN_URLS is set; credentials live 12 h unless told', () => {
    expect(loadConfig({}).turn).toBeUndefined();
    expect(
      loadConfig({
        HUIGUAN_TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349',
        HUIGUAN_TURN_SECRET: 'x',
      }).turn,
    ).toEqual({
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
      secret: 'x',
      ttlSeconds: 43_200,
    });
    expect(
      loadConfig({ HUIGUAN_TURN_URLS: 'turn:t', HUIGUAN_TURN_SECRET: 'x', HUIGUAN_TURN_TTL_SECONDS: '600' }).turn
        ?.ttlSeconds,
    ).toBe(600);
  });

  it('refuses a URL without secret, a secret without URL, other schemes and a TTL out of range', () => {
    expect(() => loadConfig({ HUIGUAN_TURN_URLS: 'turn:t' })).toThrow(/HUIGUAN_TURN_URLS needs HUIGUAN_TURN_SECRET/);
    expect(() => loadConfig({ HUIGUAN_TURN_SECRET: 'x' })).toThrow(/HUIGUAN_TURN_SECRET needs HUIGUAN_TURN_URLS/);
    expect(() => loadConfig({ HUIGUAN_TURN_URLS: 'stun:t', HUIGUAN_TURN_SECRET: 'x' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ HUIGUAN_TURN_URLS: 'turn:t', HUIGUAN_TURN_SECRET: 'x', HUIGUAN_TURN_TTL_SECONDS: '10' }),
    ).toThrow(/HUIGUAN_TURN_TTL_SECONDS/);
  });
});
