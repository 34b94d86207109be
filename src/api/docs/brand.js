// /docs: the top bar's link leads back to the server's front page (docs.css draws Huiguan's mark in it, in place
// of Swagger UI's). Swagger UI (React) owns the link and may draw it anew, so it is marked again whenever it is.
(function () {
  'use strict';
  function mark() {
    var link = document.querySelector('#swagger-ui .topbar .topbar-wrapper a');
    if (!link || link.getAttribute('data-testid') === 'docs-brand') return;
    link.setAttribute('href', '/');
    link.setAttribute('data-testid', 'docs-brand');
    link.setAttribute('aria-label', 'Huiguan API');
    link.setAttribute('title', 'Huiguan');
  }
  mark();
  new MutationObserver(mark).observe(document.documentElement, { childList: true, subtree: true });
})();
