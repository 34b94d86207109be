// Loaded into the test pages (media.test.ts): what a <video> showing a MediaStream receives over `ms`.
// Plain JavaScript run by the browser; the project's TypeScript has no DOM types.
globalThis.measureMedia = async (video, ms) => {
  const stream = video.srcObject;
  const frames = () => video.getVideoPlaybackQuality().totalVideoFrames;
  const before = frames();
  // The tile shows the video only; the participant's voice plays from the room's <audio> of the same peer.
  const peer = video.closest('[data-peer]')?.getAttribute('data-peer');
  const voice = peer ? document.querySelector(`audio[data-peer="${peer}"]`) : null;
  const sound = (voice && voice.srcObject) || stream;
  const audio = sound && sound.getAudioTracks()[0];
  let level = 0;
  if (audio) {
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(new MediaStream([audio])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const until = performance.now() + ms;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(samples);
      level = Math.max(level, Math.sqrt(samples.reduce((s, x) => s + x * x, 0) / samples.length));
    }
    await context.close();
  } else {
    await new Promise((r) => setTimeout(r, ms));
  }
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 18;
  const g = canvas.getContext('2d');
  g.drawImage(video, 0, 0, 32, 18);
  const pixels = g.getImageData(0, 0, 32, 18).data;
  let brightness = 0;
  for (let i = 0; i < pixels.length; i += 4) brightness += (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
  const tracks = (list) => list.map((t) => ({ state: t.readyState, muted: t.muted }));
  return {
    frames: frames() - before,
    width: video.videoWidth,
    brightness: brightness / (pixels.length / 4),
    video: stream ? tracks(stream.getVideoTracks()) : [],
    audio: sound ? tracks(sound.getAudioTracks()) : [],
    level,
  };
};
