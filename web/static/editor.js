// The SPARQL editor: YASGUI (vendored in static/yasgui) on /sparql, when JavaScript runs.
// Without JavaScript the page's own form runs queries and shows their rows.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("yasgui");
  if (!holder || !window.Yasgui) {
    return;
  }
  var initial = holder.getAttribute("data-query") || "";
  var yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint: window.location.origin + holder.getAttribute("data-endpoint"), method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    showSnippetsBar: false,
  });
  var tab = yasgui.getTab();
  if (initial) {
    tab.setQuery(initial);
  }
  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      tab.setQuery(link.getAttribute("data-example"));
      tab.query();
    });
  });
  document.body.classList.add("has-yasgui");
});
