// /docs: signs "Try it out" calls the way an integrator's code would. "Authorize" takes the site's API key and
// siteSign once; Swagger UI puts them in the query parameters huiguanApiKey and huiguanSiteSign
// (src/api/docs/page-spec.ts), and this takes them out and adds siteSign, a fresh timeStamp and
// token = upper(md5("<subject>|<APIKey>|<timeStamp>")) to the call. The key never leaves the page. Fields left
// empty are dropped: every field starts empty (page-spec.ts), and the call carries only what was typed.
(function () {
  'use strict';
  // Path → the parameter that signs its token, from the document (`x-token-subject`).
  var SUBJECTS = {};
  fetch('/openapi.json')
    .then(function (res) {
      return res.json();
    })
    .then(function (doc) {
      Object.keys(doc.paths).forEach(function (path) {
        var item = doc.paths[path];
        Object.keys(item).forEach(function (method) {
          if (item[method]['x-token-subject']) SUBJECTS[path] = item[method]['x-token-subject'];
        });
      });
    });

  function md5(text) {
    var bytes = new TextEncoder().encode(text);
    var n = ((bytes.length + 8) >>> 6) + 1;
    var words = new Array(n * 16).fill(0);
    for (var i = 0; i < bytes.length; i++) words[i >> 2] |= bytes[i] << ((i % 4) * 8);
    words[bytes.length >> 2] |= 0x80 << ((bytes.length % 4) * 8);
    words[n * 16 - 2] = bytes.length * 8;
    var S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    var K = [];
    for (i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
    var a0 = 0x67452301,
      b0 = 0xefcdab89 | 0,
      c0 = 0x98badcfe | 0,
      d0 = 0x10325476;
    for (var block = 0; block < words.length; block += 16) {
      var a = a0,
        b = b0,
        c = c0,
        d = d0;
      for (i = 0; i < 64; i++) {
        var f,
          g,
          round = i >> 4;
        if (round === 0) {
          f = (b & c) | (~b & d);
          g = i;
        } else if (round === 1) {
          f = (d & b) | (~d & c);
          g = (5 * i + 1) % 16;
        } else if (round === 2) {
          f = b ^ c ^ d;
          g = (3 * i + 5) % 16;
        } else {
          f = c ^ (b | ~d);
          g = (7 * i) % 16;
        }
        var shift = S[round * 4 + (i % 4)];
        var sum = (a + f + K[i] + words[block + g]) | 0;
        a = d;
        d = c;
        c = b;
        b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
      }
      a0 = (a0 + a) | 0;
      b0 = (b0 + b) | 0;
      c0 = (c0 + c) | 0;
      d0 = (d0 + d) | 0;
    }
    return [a0, b0, c0, d0]
      .map(function (w) {
        var hex = '';
        for (var j = 0; j < 4; j++) hex += ((w >>> (j * 8)) & 0xff).toString(16).padStart(2, '0');
        return hex;
      })
      .join('')
      .toUpperCase();
  }
  window.huiguanMd5 = md5;

  function header(req, name) {
    var headers = req.headers || {};
    for (var key in headers) if (key.toLowerCase() === name) return String(headers[key]);
    return '';
  }

  window.huiguanSign = function (req) {
    var url = new URL(req.url, window.location.href);
    var subject = SUBJECTS[url.pathname];
    var apiKey = url.searchParams.get('huiguanApiKey');
    var siteSign = url.searchParams.get('huiguanSiteSign');
    url.searchParams.delete('huiguanApiKey');
    url.searchParams.delete('huiguanSiteSign');
    req.url = url.toString();
    if (!subject || apiKey === null) return req;
    var timeStamp = String(Date.now());
    var type = header(req, 'content-type');
    var form = null,
      json = null;
    if (typeof req.body === 'string' && type.indexOf('application/x-www-form-urlencoded') >= 0)
      form = new URLSearchParams(req.body);
    else if (typeof req.body === 'string' && type.indexOf('application/json') >= 0) json = JSON.parse(req.body || '{}');
    // A POST whose fields were all left empty has no body: the signed parameters make it a form.
    else if (req.method === 'POST' && !req.body) {
      form = new URLSearchParams();
      req.headers = Object.assign({}, req.headers, { 'Content-Type': 'application/x-www-form-urlencoded' });
    }
    var params = form || json || url.searchParams;
    // Fields left empty are not sent: "Try it out" sends what was typed (an empty value is no value here).
    if (json) {
      Object.keys(json).forEach(function (name) {
        if (json[name] === '' || json[name] === null) delete json[name];
      });
    } else {
      Array.from(params.keys()).forEach(function (name) {
        if (params.get(name) === '') params.delete(name);
      });
    }
    var set = function (name, value) {
      if (json) json[name] = value;
      else params.set(name, value);
    };
    if (siteSign !== null) set('siteSign', siteSign);
    var value = json ? json[subject] : params.get(subject);
    set('timeStamp', timeStamp);
    set('token', md5(String(value == null ? '' : value) + '|' + apiKey + '|' + timeStamp));
    if (form) req.body = form.toString();
    else if (json) req.body = JSON.stringify(json);
    req.url = url.toString();
    return req;
  };
})();
