/**
 * Types for janode 1.8 (Meetecho's Janus adapter, plain JavaScript without declarations): the parts the
 * server uses, read from node_modules/janode/src/*.js and plugins/videoroom-plugin.js.
 */
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  /** A WebRTC session description as Janus passes it. */
  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
    e2ee?: boolean;
    /** false: the SDP carries every candidate and none will be trickled. */
    trickle?: boolean;
  }

  export interface ServerAddress {
    url: string;
    apisecret?: string;
    token?: string;
  }

  export interface ConnectOptions {
    address: ServerAddress | ServerAddress[];
    /** Seconds between connection attempts. Default 10. */
    retry_time_secs?: number;
    /** Attempts after the first before connect rejects. Default 5. */
    max_retries?: number;
    is_admin?: boolean;
    ws_options?: Record<string, unknown>;
  }

  export interface PluginDescriptor<H extends Handle = Handle> {
    id: string;
    Handle?: new (session: Session, id: number) => H;
    EVENT?: Record<string, string>;
  }

  /** A Janus connection (one WebSocket); emits `EVENT.CONNECTION_CLOSED` / `EVENT.CONNECTION_ERROR` once. */
  export interface Connection extends EventEmitter {
    readonly id: number;
    /** Creates a Janus session, kept alive every `ka_interval` s (default 30). */
    create(ka_interval?: number): Promise<Session>;
    getInfo(): Promise<Record<string, unknown>>;
    close(): Promise<void>;
  }

  /** A Janus session; emits `EVENT.SESSION_DESTROYED` (connection lost, keep-alive failed, timeout). */
  export interface Session extends EventEmitter {
    readonly id: number;
    readonly connection: Connection;
    attach<H extends Handle>(descriptor: PluginDescriptor<H>): Promise<H>;
    destroy(): Promise<void>;
  }

  /** A plugin handle; emits `EVENT.HANDLE_*` and the plugin's events. */
  export interface Handle extends EventEmitter {
    readonly id: number;
    readonly session: Session;
    detach(): Promise<void>;
    hangup(): Promise<unknown>;
    /** A candidate, or null/undefined for end-of-candidates. */
    trickle(candidate: Record<string, unknown> | Record<string, unknown>[] | null | undefined): Promise<unknown>;
    trickleComplete(): Promise<unknown>;
    /**
     * Sends a plugin request; resolves with Janus's raw message (`plugindata.data` holds the plugin's
     * answer), rejects with the plugin's error (`_code` = Janus's error code).
     */
    message(body: Record<string, unknown>, jsep?: Jsep): Promise<JanusMessage>;
  }

  export interface JanusMessage {
    janus: string;
    plugindata?: { plugin: string; data: Record<string, unknown> };
    jsep?: Jsep;
    [key: string]: unknown;
  }

  export const EVENT: {
    readonly CONNECTION_CLOSED: 'connection_closed';
    readonly CONNECTION_ERROR: 'connection_error';
    readonly SESSION_DESTROYED: 'session_destroyed';
    readonly HANDLE_DETACHED: 'handle_detached';
    readonly HANDLE_ICE_FAILED: 'handle_ice_failed';
    readonly HANDLE_HANGUP: 'handle_hangup';
    readonly HANDLE_MEDIA: 'handle_media';
    readonly HANDLE_WEBRTCUP: 'handle_webrtcup';
    readonly HANDLE_SLOWLINK: 'handle_slowlink';
    readonly HANDLE_TRICKLE: 'handle_trickle';
  };

  const Janode: {
    connect(config: ConnectOptions | ConnectOptions[], key?: number | string | null): Promise<Connection>;
    Logger: {
      /** 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'. */
      setLevel(level: string): string;
    };
    EVENT: typeof EVENT;
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  import type { Handle, Jsep, PluginDescriptor } from 'janode';

  /** One stream of a publisher, as Janus lists it (multistream). */
  export interface PublisherStream {
    type: 'audio' | 'video' | 'data';
    mindex: number;
    mid: string;
    disabled?: boolean;
    codec?: string;
    description?: string;
    simulcast?: boolean;
    talking?: boolean;
    [key: string]: unknown;
  }

  export interface Publisher {
    feed: number;
    display?: string;
    talking?: boolean;
    audiocodec?: string;
    videocodec?: string;
    simulcast?: boolean;
    streams?: PublisherStream[];
  }

  /** A stream of a subscription (multistream). */
  export interface SubscriptionStream {
    mindex: number;
    mid: string;
    type: 'audio' | 'video' | 'data';
    active?: boolean;
    feed_id?: number;
    feed_mid?: string;
    feed_display?: string;
    send?: boolean;
    [key: string]: unknown;
  }

  export interface PubJoined {
    room: number;
    feed: number;
    display?: string;
    description?: string;
    private_id?: number;
    publishers: Publisher[];
    jsep?: Jsep;
  }

  export interface SubJoined {
    room: number;
    feed?: number;
    display?: string;
    streams?: SubscriptionStream[];
    jsep?: Jsep;
  }

  export interface Configured {
    room: number;
    feed?: number;
    configured: 'ok';
    streams?: PublisherStream[];
    jsep?: Jsep;
  }

  /** Which publisher stream a subscriber wants (`join`, `update.subscribe`). */
  export interface StreamRequest {
    feed: number;
    mid?: string;
    substream?: number;
    temporal?: number;
    [key: string]: unknown;
  }

  export interface VideoRoomHandle extends Handle {
    feed: number | null;
    room: number | null;
    streams: SubscriptionStream[] | null;
    joinPublisher(params: {
      room: number;
      feed?: number;
      display?: string;
      token?: string;
      descriptions?: { mid: string; description: string }[];
      bitrate?: number;
    }): Promise<PubJoined>;
    joinConfigurePublisher(params: {
      room: number;
      feed?: number;
      display?: string;
      token?: string;
      jsep: Jsep;
      descriptions?: { mid: string; description: string }[];
      bitrate?: number;
      audio?: boolean;
      video?: boolean;
      record?: boolean;
      filename?: string;
    }): Promise<PubJoined>;
    configure(params: {
      jsep?: Jsep;
      bitrate?: number;
      display?: string;
      record?: boolean;
      filename?: string;
      restart?: boolean;
      update?: boolean;
      keyframe?: boolean;
      streams?: Record<string, unknown>[];
      descriptions?: { mid: string; description: string }[];
      sc_substream_layer?: number;
      sc_temporal_layers?: number;
    }): Promise<Configured>;
    publish(params: {
      jsep: Jsep;
      descriptions?: { mid: string; description: string }[];
      bitrate?: number;
    }): Promise<Configured>;
    unpublish(): Promise<unknown>;
    joinSubscriber(params: {
      room: number;
      streams?: StreamRequest[];
      feed?: number;
      private_id?: number;
      autoupdate?: boolean;
      use_msid?: boolean;
      token?: string;
    }): Promise<SubJoined>;
    start(params: { jsep: Jsep }): Promise<{ room: number; started: 'ok' }>;
    pause(): Promise<unknown>;
    update(params: {
      subscribe?: StreamRequest[];
      unsubscribe?: StreamRequest[];
    }): Promise<{ room: number; streams: SubscriptionStream[]; jsep?: Jsep }>;
    leave(): Promise<unknown>;
    listParticipants(params: { room: number; secret?: string }): Promise<{
      room: number;
      participants: { feed: number; display?: string; publisher: boolean; talking?: boolean }[];
    }>;
    kick(params: { room: number; feed: number; secret?: string }): Promise<unknown>;
    exists(params: { room: number }): Promise<{ room: number; exists: boolean }>;
    list(params?: { admin_key?: string }): Promise<{ list: { room: number; [key: string]: unknown }[] }>;
    destroy(params: { room: number; permanent?: boolean; secret?: string }): Promise<unknown>;
    allow(params: {
      room: number;
      action: 'enable' | 'disable' | 'add' | 'remove';
      list?: string[];
      secret?: string;
    }): Promise<{
      room: number;
      list?: string[];
    }>;
    stopForward(params: {
      room: number;
      feed: number;
      stream: number;
      secret?: string;
      admin_key?: string;
    }): Promise<unknown>;
  }

  export const EVENT: {
    readonly VIDEOROOM_PUB_PEER_JOINED: 'videoroom_publisher_joined';
    readonly VIDEOROOM_PUB_LIST: 'videoroom_publisher_list';
    readonly VIDEOROOM_DESTROYED: 'videoroom_destroyed';
    readonly VIDEOROOM_UNPUBLISHED: 'videoroom_unpublished';
    readonly VIDEOROOM_LEAVING: 'videoroom_leaving';
    readonly VIDEOROOM_DISPLAY: 'videoroom_display';
    readonly VIDEOROOM_CONFIGURED: 'videoroom_configured';
    readonly VIDEOROOM_SLOWLINK: 'videoroom_slowlink';
    readonly VIDEOROOM_TALKING: 'videoroom_talking';
    readonly VIDEOROOM_KICKED: 'videoroom_kicked';
    readonly VIDEOROOM_RECORDING_ENABLED_STATE: 'videoroom_recording_enabled_state';
    readonly VIDEOROOM_SC_SUBSTREAM_LAYER: 'videoroom_sc_substream_layer';
    readonly VIDEOROOM_SC_TEMPORAL_LAYERS: 'videoroom_sc_temporal_layers';
    readonly VIDEOROOM_UPDATED: 'videoroom_updated';
    readonly VIDEOROOM_ERROR: 'videoroom_error';
  };

  const VideoRoomPlugin: PluginDescriptor<VideoRoomHandle> & { id: 'janus.plugin.videoroom'; EVENT: typeof EVENT };
  export default VideoRoomPlugin;
}
