import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { janusTurnEntries, writeJanusConfig } from './janus-config.js';

const NOW = 1_780_000_000_000;

describe('the managed Janus configuration', () => {
  it('relays through the first TURN URL with a credential of the TURN REST scheme, valid for a year', () => {
    const entries = janusTurnEntries({ urls: ['turns:turn.example.com:5349'], secret: 's', ttlSeconds: 600 }, NOW);
    const user = `${NOW / 1000 + 365 * 86_400}:janus`;
    expect(entries).toEqual({
      turn_server: 'turn.example.com',
      turn_port: 5349,
      turn_type: 'tls',
      turn_user: user,
      turn_pwd: createHmac('sha1', 's').update(user).digest('base64'),
    });
    expect(
      janusTurnEntries({ urls: ['turn:[2001:db8::1]?transport=tcp'], secret: 's', ttlSeconds: 600 }, NOW),
    ).toMatchObject({ turn_server: '2001:db8::1', turn_port: 3478, turn_type: 'tcp' });
  });

  it('writes private files with the secrets quoted, only the VideoRoom and the local WebSocket', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-janus-config-'));
    try {
      const file = writeJanusConfig({
        dir,
        port: 18188,
        apiSecret: 'a"b\\c',
        adminKey: 'k',
        rtpPorts: '20000-20100',
        libDir: '/usr/lib/janus',
        turn: { urls: ['turn:t.example:3478'], secret: 's', ttlSeconds: 60 },
        now: NOW,
      });
      const main = fs.readFileSync(file, 'utf8');
      expect(main).toContain('api_secret = "a\\"b\\\\c"');
      expect(main).toContain('plugins_folder = "/usr/lib/janus/plugins"');
      expect(main).toContain('rtp_port_range = "20000-20100"');
      expect(main).toContain('turn_server = "t.example"');
      expect(main).toMatch(/disable = "[^"]*libjanus_streaming\.so[^"]*"/);
      expect(main).toMatch(/disable = "[^"]*libjanus_http\.so[^"]*"/);
      const ws = fs.readFileSync(path.join(dir, 'janus.transport.websockets.jcfg'), 'utf8');
      expect(ws).toMatch(/ws_port = 18188\n/);
      expect(ws).toContain('ws_ip = "127.0.0.1"');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // No public address given: no mapping.
      expect(main).not.toContain('nat_1_1_mapping');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('behind NAT advertises the public addresses besides its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-janus-config-'));
    try {
      const file = writeJanusConfig({
        dir,
        port: 18188,
        apiSecret: 'a',
        adminKey: 'k',
        rtpPorts: '20000-20100',
        libDir: '/usr/lib/janus',
        publicIps: ['203.0.113.7', '2001:db8::7'],
      });
      const main = fs.readFileSync(file, 'utf8');
      expect(main).toContain('nat_1_1_mapping = "203.0.113.7,2001:db8::7"');
      expect(main).toContain('keep_private_host = true');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
