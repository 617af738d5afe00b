/* Steunpunt web edition: search and filters over all shared lessons, in the browser, without
   any request to a server. The search data (search-data.js, made by `steunpunt publish` with
   the bot's Dutch analyser) is loaded by a <script> the first time it is needed. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search");
  var selects = {
    theme: document.getElementById("filter-theme"),
    stadsdeel: document.getElementById("filter-stadsdeel"),
    kind: document.getElementById("filter-kind")
  };
  var list = document.getElementById("results");
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");
  var initialItems = Array.prototype.slice.call(list.children);
  var data = null;
  var lessons = null;
  var keys = null;
  var postings = null;
  var stopwords = null;
  var loading = false;
  var timer = null;

  function load(then) {
    if (data) { then(); return; }
    if (window.STEUNPUNT_SEARCH) { prepare(); then(); return; }
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-search-data");
    script.onload = function () { prepare(); update(); };
    document.head.appendChild(script);
  }

  function prepare() {
    data = window.STEUNPUNT_SEARCH;
    var ids = data.i ? data.i.split(" ") : [];
    var english = {};
    (data.e ? data.e.split(" ") : []).forEach(function (at) { english[parseInt(at, 16)] = true; });
    lessons = ids.map(function (id, at) {
      var fact = data.f.substr(at * 9, 9);
      return {
        id: parseInt(id, 16),
        lang: english[at] ? "en" : "nl",
        title: data.n[at],
        mask: parseInt(fact.substr(0, 2), 36),
        stadsdeel: parseInt(fact.charAt(2), 36),
        kind: parseInt(fact.charAt(3), 36),
        team: fact.substr(4, 3) === "zzz" ? -1 : parseInt(fact.substr(4, 3), 36),
        teams: parseInt(fact.substr(7, 2), 36)
      };
    });
    keys = [];
    var previous = "";
    (data.w ? data.w.split(" ") : []).forEach(function (part) {
      previous = previous.slice(0, parseInt(part.charAt(0), 36)) + part.slice(1);
      keys.push(previous);
    });
    postings = data.p.split(" ");
    stopwords = {};
    data.s.split(" ").forEach(function (word) { stopwords[word] = true; });
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  // The query's words as the bot's analyser splits them: folded, hyphenated words as their
  // parts, stop words and single letters dropped.
  function queryWords(text) {
    var found = [];
    (fold(text).match(/[#@]?[a-z0-9][a-z0-9'-]*/g) || []).forEach(function (token) {
      token = token.replace(/^[#@]+/, "").replace(/^['-]+|['-]+$/g, "");
      token.split("-").forEach(function (part) {
        part = part.replace(/^'+|'+$/g, "");
        if (part.length >= 2 && !stopwords[part] && !/^[0-9]+$/.test(part)) found.push(part);
      });
    });
    return found;
  }

  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

  // Positions as gaps, base 32: a digit from the second half of DIGITS is followed by more.
  function decode(index, into) {
    var encoded = postings[index], position = -1, value = 0;
    if (encoded.charAt(0) === "=") encoded = postings[parseInt(encoded.slice(1), 16)];
    for (var i = 0; i < encoded.length; i++) {
      var digit = DIGITS.indexOf(encoded.charAt(i));
      if (digit >= 32) { value = value * 32 + digit - 32; continue; }
      position += value * 32 + digit + 1;
      into[position] = true;
      value = 0;
    }
  }

  function lowerBound(word) {
    var low = 0, high = keys.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (keys[middle] < word) low = middle + 1; else high = middle;
    }
    return low;
  }

  // The lessons that have a key starting with the word ("vergun" finds vergunning), and
  // those with a key the word starts with, as a stem ("vergunningen" finds vergun): a Dutch
  // suffix (-ingen, -heden, -en, -s) with a doubled consonant is at most six letters.
  function matching(word) {
    var hits = {};
    for (var i = lowerBound(word); i < keys.length && keys[i].lastIndexOf(word, 0) === 0; i++) {
      decode(i, hits);
    }
    for (var cut = word.length - 1; word.length > 4 && cut >= Math.max(4, word.length - 6); cut--) {
      var stem = word.slice(0, cut);
      var at = lowerBound(stem);
      if (keys[at] === stem) decode(at, hits);
    }
    return hits;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function optionLabel(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) return select.options[i].text;
    }
    return value;
  }

  function item(entry) {
    var id = entry.id;
    var li = document.createElement("li");
    li.className = "lesson-item";
    li.setAttribute("data-id", String(id));
    var link = document.createElement("a");
    link.className = "lesson-link";
    link.href = "lessons/" + id + ".html";
    link.textContent = entry.title;
    // A title in the other language than the page's is marked, as on the pages themselves.
    if (entry.lang !== document.documentElement.lang) link.lang = entry.lang;
    li.appendChild(link);
    var kind = optionLabel(selects.kind, data.k[entry.kind]);
    var who = entry.team < 0
      ? fill(list.getAttribute("data-anonymous"), { kind: kind })
      : fill(list.getAttribute("data-team"), { team: data.t[entry.team], kind: kind });
    var parts = [who, optionLabel(selects.stadsdeel, data.sd[entry.stadsdeel])];
    if (entry.teams === 1) parts.push(list.getAttribute("data-herkenbaar-one"));
    else if (entry.teams > 1) parts.push(fill(list.getAttribute("data-herkenbaar"), { count: entry.teams }));
    var meta = document.createElement("p");
    meta.className = "lesson-item-meta";
    meta.textContent = parts.join(" · ");
    li.appendChild(meta);
    return li;
  }

  function show(items, text, shown) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var fragment = document.createDocumentFragment();
    items.forEach(function (element) { fragment.appendChild(element); });
    list.appendChild(fragment);
    none.hidden = shown > 0;
    list.hidden = shown === 0;
    count.setAttribute("data-count", String(shown));
    if (count.textContent !== text) count.textContent = text;
  }

  function update() {
    var query = input.value;
    var theme = selects.theme.value, stadsdeel = selects.stadsdeel.value, kind = selects.kind.value;
    if (!data) {
      if (query.trim() || theme || stadsdeel || kind) load(update);
      return;
    }
    var words = queryWords(query);
    if (!words.length && !theme && !stadsdeel && !kind) {
      show(initialItems, count.getAttribute("data-initial"), initialItems.length);
      return;
    }
    var allowed = null;
    for (var w = 0; w < words.length; w++) {
      var hits = matching(words[w]);
      if (allowed === null) allowed = hits;
      else {
        var both = {};
        for (var key in allowed) if (hits[key]) both[key] = true;
        allowed = both;
      }
    }
    var themeBit = theme ? 1 << data.th.indexOf(theme) : 0;
    var stadsdeelIndex = stadsdeel ? data.sd.indexOf(stadsdeel) : -1;
    var kindIndex = kind ? data.k.indexOf(kind) : -1;
    var items = [];
    for (var i = 0; i < lessons.length; i++) {
      var entry = lessons[i];
      if (allowed !== null && !allowed[i]) continue;
      if (themeBit && !(entry.mask & themeBit)) continue;
      if (stadsdeelIndex >= 0 && entry.stadsdeel !== stadsdeelIndex) continue;
      if (kindIndex >= 0 && entry.kind !== kindIndex) continue;
      items.push(item(entry));
    }
    var text = items.length === 1
      ? count.getAttribute("data-found-one")
      : fill(count.getAttribute("data-found"), { count: items.length });
    show(items, text, items.length);
  }

  function soon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(update, 120);
  }

  input.addEventListener("focus", function () { load(update); });
  input.addEventListener("input", soon);
  Object.keys(selects).forEach(function (name) {
    selects[name].addEventListener("focus", function () { load(update); });
    selects[name].addEventListener("change", update);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  var given = /[?&]q=([^&]*)/.exec(window.location.search);
  if (given) {
    input.value = decodeURIComponent(given[1].replace(/\+/g, " "));
    load(update);
  } else if (input.value || selects.theme.value || selects.stadsdeel.value || selects.kind.value) {
    // The browser kept what was typed or chosen (the back button): show its results.
    load(update);
  }
})();
