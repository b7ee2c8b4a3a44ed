// The SPARQL editor: YASGUI (vendored in static/yasgui) on /sparql, when JavaScript runs.
// Without JavaScript the page's own form runs queries and shows their rows.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("yasgui");
  if (!holder || !window.Yasgui) {
    return;
  }
  var initial = holder.getAttribute("data-query") || "";
  if (window.Yasgui.Yasr && window.Yasgui.Yasr.defaults) {
    window.Yasgui.Yasr.defaults.errorRenderers = [renderEndpointError];
  }
  var yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint: window.location.origin + holder.getAttribute("data-endpoint"), method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    showSnippetsBar: false,
  });
  var tab = yasgui.getTab();
  declarePrefixes(tab.getYasqe(), JSON.parse(holder.getAttribute("data-prefixes") || "{}"));
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
  nameWidgets(holder);
  new MutationObserver(function () {
    nameWidgets(holder);
  }).observe(holder, { childList: true, subtree: true });
});

// YASGUI renders some fields without a name a screen reader can say; name them as they appear.
var WIDGET_NAMES = [
  [".CodeMirror textarea", "SPARQL query"],
  ["input.autocomplete", "SPARQL endpoint"],
  ["select.tableSizer", "Rows per page"],
  ["table.dataTable th.dt-orderable-none", "Row number"],
];

function nameWidgets(holder) {
  WIDGET_NAMES.forEach(function (pair) {
    holder.querySelectorAll(pair[0]).forEach(function (field) {
      if (!field.getAttribute("aria-label")) {
        field.setAttribute("aria-label", pair[1]);
      }
    });
  });
}

// The endpoint answers an error as {"ok": false, "error": "...", "status": 400}: show the message.
function renderEndpointError(error) {
  var reply;
  try {
    reply = JSON.parse(error.text || "");
  } catch (ignored) {
    return undefined;
  }
  if (!reply || !reply.error) {
    return undefined;
  }
  var box = document.createElement("p");
  box.className = "endpoint-error";
  box.setAttribute("role", "alert");
  box.textContent = "Error " + (reply.status || error.status) + ": " + reply.error;
  return box;
}

// The endpoint predeclares the project's prefixes; tell YASQE's checker, whose parse state starts
// with none declared, so a query using them is not marked invalid.
function declarePrefixes(yasqe, prefixes) {
  if (!yasqe || !yasqe.getMode) {
    return;
  }
  var mode = yasqe.getMode();
  var startState = mode.startState;
  mode.startState = function () {
    var state = startState.apply(this, arguments);
    Object.keys(prefixes).forEach(function (name) {
      state.prefixes[name] = prefixes[name];
    });
    return state;
  };
  yasqe.setValue(yasqe.getValue());
}
