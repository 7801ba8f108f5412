// The deciding form on the case page: keyboard shortcuts, the live sentence counter and the
// "differs from ROCA" hint.  The server checks everything again; this only saves a round trip.
(function () {
  "use strict";

  // Sentence counting as roca.agent.narrative.sentence_count does it (keep the two in step).
  var CJK_STOPS = "。！？｡";
  var TERMINATOR = /([.!?。！？｡]+)(["'”’)\]）」』]*)/g;
  var CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
  var WORDISH = /[\p{L}\p{N}_]/u;
  var SPACE = /\s/;
  var INITIALS = /^(?:[a-z]\.)+[a-z]$/;
  var NEVER_FINAL = new Set(["e.g", "i.e", "vs", "cf", "approx", "incl", "no", "nr", "mr", "mrs", "ms",
    "dr", "st", "viz", "resp"]);
  var MAYBE_FINAL = new Set(["etc", "inc", "ltd", "co", "corp", "al", "a.m", "p.m"]);
  var LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

  function isUpper(ch) { return ch !== ch.toLowerCase() && ch === ch.toUpperCase(); }

  function isAbbreviation(text, start, end) {
    var begin = start;
    while (begin > 0 && /[A-Za-z.]/.test(text[begin - 1])) begin -= 1;
    var word = text.slice(begin, start).replace(/^\.+/, "").toLowerCase();
    if (MAYBE_FINAL.has(word)) {
      var next = text.slice(end).replace(/^\s+/, "").slice(0, 1);
      return !(next && isUpper(next));
    }
    return word.length === 1 || NEVER_FINAL.has(word) || INITIALS.test(word);
  }

  function endsSentence(text, match) {
    var stop = match[1], start = match.index, end = match.index + match[0].length;
    for (var i = 0; i < stop.length; i += 1) if (CJK_STOPS.indexOf(stop[i]) >= 0) return true;
    if (start === 0 || SPACE.test(text[start - 1])) return false;
    var following = text.slice(end, end + 1);
    if (following && !SPACE.test(following) && !CJK.test(following)) return false;
    return !(stop === "." && isAbbreviation(text, start, end));
  }

  function countLine(line) {
    var ends = [];
    for (var match of line.matchAll(TERMINATOR)) {
      if (endsSentence(line, match)) ends.push(match.index + match[0].length);
    }
    var tail = ends.length ? line.slice(ends[ends.length - 1]) : line;
    return ends.length + (WORDISH.test(tail) ? 1 : 0);
  }

  function sentenceCount(text) {
    return text.split(LINE_BREAK).reduce(function (total, line) { return total + countLine(line); }, 0);
  }
  window.rocaSentenceCount = sentenceCount;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type !== "radio" &&
      target.type !== "checkbox") || (target && target.isContentEditable);
  }

  function setUp(form) {
    var max = Number(form.dataset.maxSentences || 3);
    var recommended = form.dataset.recommended;  // absent in blind mode
    var annotation = form.querySelector("#annotation");
    var rootCause = form.querySelector("#root_cause");
    var counter = form.querySelector("#sentence-counter");
    var hint = form.querySelector("#differs-hint");
    var choices = Array.prototype.slice.call(form.querySelectorAll("input[name=decision]"));

    function updateCounter() {
      var count = sentenceCount(annotation.value);
      counter.querySelector(".counter-value").textContent = count + " / " + max;
      counter.classList.toggle("over", count > max);
      annotation.setCustomValidity(count > max ? counter.querySelector(".counter-over").textContent : "");
    }

    function updateRequired() {
      var chosen = choices.find(function (input) { return input.checked; });
      var differs = Boolean(recommended && chosen && chosen.value !== recommended);
      rootCause.required = differs;
      annotation.required = differs;
      if (hint) hint.hidden = !differs;
    }

    annotation.addEventListener("input", updateCounter);
    choices.forEach(function (input) { input.addEventListener("change", updateRequired); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      var choice = choices[Number(event.key) - 1];
      if (/^[1-9]$/.test(event.key) && choice) {
        event.preventDefault();
        choice.checked = true;
        choice.focus();
        choice.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    updateCounter();
    if (choices.length) updateRequired();  // the overturn-explanation form has no choices: always required
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("decision-form");
    if (form) setUp(form);
  });
})();
