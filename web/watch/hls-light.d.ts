// hls.js's light build (no subtitles, alternate audio, DRM) has the full build's API and ships no
// declaration of its own.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
