/* certsvc: /v/scan, the camera read on the phone; a code of this registry opens its page.
 *
 * BarcodeDetector reads the video where the browser has it; elsewhere (Chromium on Linux,
 * Firefox, Safari) each frame is drawn to a canvas and read by the vendored jsQR
 * (vendor/jsqr/, loaded before this script). Without a camera the page says to use the camera app.
 */
(function () {
  "use strict";
  var island = document.getElementById("verifier-texts");
  if (!island) return;
  var data = JSON.parse(island.textContent);
  if (!data.scan) return;
  // verify.js, run before this script, set the page's language.
  var t = data.texts[document.documentElement.lang] || data.texts.en;
  var PREFIX = location.origin + "/v/";

  function detectorReader(video) {
    var detector = new BarcodeDetector({ formats: ["qr_code"] });
    return async function () {
      var codes = await detector.detect(video).catch(function () { return []; });
      return codes.map(function (code) { return code.rawValue; }).filter(Boolean)[0];
    };
  }

  /* One frame of the video on a canvas, read by jsQR. */
  function canvasReader(video) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return async function () {
      if (!video.videoWidth) return undefined;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = globalThis.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      return code ? code.data : undefined;
    };
  }

  function reader(video) {
    if ("BarcodeDetector" in globalThis) return detectorReader(video);
    if (typeof globalThis.jsQR === "function") return canvasReader(video);
    return null;
  }

  async function camera() {
    try {
      return await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      return null;
    }
  }

  async function scan() {
    var hint = document.getElementById("checked-by");
    var video = document.getElementById("camera");
    hint.hidden = false;
    var read = navigator.mediaDevices ? reader(video) : null;
    var stream = read ? await camera() : null;
    if (!stream) {
      hint.textContent = t.no_camera;
      document.body.dataset.verdict = "no_camera";
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    hint.textContent = t.scan_hint;
    document.body.dataset.verdict = "scanning";
    for (;;) {
      var found = await read();
      if (found && found.startsWith(PREFIX)) {
        location.href = found;
        return;
      }
      if (found) hint.textContent = t.wrong_code;
      await new Promise(function (done) { setTimeout(done, 250); });
    }
  }

  scan();
})();
