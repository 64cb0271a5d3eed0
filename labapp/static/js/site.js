// Small enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen readers announce it and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // A roster action's outcome: browsers focus it from the URL's #fragment already; this covers the rest.
  var rowStatus = document.querySelector("[data-row-status]");
  if (!summary && rowStatus && document.activeElement !== rowStatus) { rowStatus.focus(); }
});
