// Visitor statistics: see src/features/statistics/CONTEXT.md.
// Tells the shop, once per page, when the page is left (it refines time on site). No cookie, no
// storage, nothing sent to any other site; the shop ignores it for visitors it does not count.
(function () {
  if (!navigator.sendBeacon || navigator.globalPrivacyControl || navigator.doNotTrack === '1') return;
  var sent = false;
  addEventListener('pagehide', function () {
    if (sent) return;
    sent = true;
    navigator.sendBeacon('/statistics/leave');
  });
})();
