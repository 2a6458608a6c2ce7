// Review in, sentiment out. Talks to the API named in config.js (generated, never edited by hand):
//   window.SENTIMENT_CONFIG = {predictUrl: "https://.../predict"};
// The page shows a sentiment only for a well-formed 200 answer; anything else is an error message,
// because the seed page once printed an error as "POSITIVE".
"use strict";

(function () {
  const REQUEST_TIMEOUT_MS = 30000;
  const UNREACHABLE = "Cannot reach the sentiment service. Check your connection and try again.";
  const LABELS = { positive: "Positive", negative: "Negative" };

  const form = document.getElementById("review-form");
  const review = document.getElementById("review");
  const submit = document.getElementById("submit");
  const fieldError = document.getElementById("review-error");
  const status = document.getElementById("status");
  const outcome = document.getElementById("outcome");
  const errorPanel = document.getElementById("error");
  const errorMessage = document.getElementById("error-message");
  const resultPanel = document.getElementById("result");

  function predictUrl() {
    const config = window.SENTIMENT_CONFIG;
    if (!config || typeof config.predictUrl !== "string") {
      return null;
    }
    try {
      const url = new URL(config.predictUrl);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  // One decimal, without rounding a near-certainty up to a flat "100.0%" (or down to "0.0%").
  function percent(fraction) {
    if (fraction > 0.999 && fraction < 1) {
      return ">99.9%";
    }
    if (fraction < 0.001 && fraction > 0) {
      return "<0.1%";
    }
    return `${(fraction * 100).toFixed(1)}%`;
  }

  function clearOutcome() {
    errorPanel.hidden = true;
    resultPanel.hidden = true;
    status.textContent = "";
    status.classList.remove("busy");
  }

  function setBusy(busy) {
    submit.disabled = busy;
    outcome.setAttribute("aria-busy", String(busy));
    status.classList.toggle("busy", busy);
    if (busy) {
      status.textContent = "Classifying your review…";
    }
  }

  function showFieldError(message) {
    fieldError.textContent = message;
    fieldError.hidden = false;
    review.setAttribute("aria-invalid", "true");
    review.focus();
  }

  function clearFieldError() {
    fieldError.hidden = true;
    fieldError.textContent = "";
    review.removeAttribute("aria-invalid");
  }

  function showError(message) {
    resultPanel.hidden = true;
    status.textContent = "";
    errorMessage.textContent = message;
    errorPanel.hidden = false;
  }

  // A sentiment is shown only when the answer has a known label and a score in [0, 1].
  function validAnswer(body) {
    return (
      body !== null &&
      typeof body === "object" &&
      Object.prototype.hasOwnProperty.call(LABELS, body.label) &&
      typeof body.score === "number" &&
      Number.isFinite(body.score) &&
      body.score >= 0 &&
      body.score <= 1
    );
  }

  function usableTerms(terms) {
    return Array.isArray(terms)
      ? terms.filter((t) => t && typeof t.term === "string" && Number.isFinite(t.weight))
      : [];
  }

  // Bars share one scale across both lists, so a weak push one way never looks as strong as the other.
  function fillTerms(listId, usable, largest) {
    const list = document.getElementById(listId);
    list.replaceChildren();
    if (usable.length === 0) {
      const item = document.createElement("li");
      item.className = "none";
      item.textContent = "none in this review";
      list.append(item);
      return;
    }
    for (const { term, weight } of usable) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "term";
      name.textContent = term;
      const value = document.createElement("span");
      value.className = "weight";
      value.textContent = (weight > 0 ? "+" : "") + weight.toFixed(2);
      const bar = document.createElement("span");
      bar.className = "term-bar";
      bar.setAttribute("aria-hidden", "true");
      bar.style.width = `${largest > 0 ? (Math.abs(weight) / largest) * 100 : 0}%`;
      item.append(name, value, bar);
      list.append(item);
    }
  }

  function showResult(body) {
    const label = LABELS[body.label];
    const sure = body.label === "positive" ? body.score : 1 - body.score;
    document.getElementById("label").textContent = label;
    resultPanel.dataset.label = body.label;
    document.getElementById("probability-text").textContent =
      `${percent(sure)} sure it is ${body.label} (probability of positive: ${percent(body.score)}).`;
    document.getElementById("probability-bar").style.width = percent(body.score);
    const explanation = body.explanation || {};
    const positive = usableTerms(explanation.positive);
    const negative = usableTerms(explanation.negative);
    const largest = Math.max(0, ...positive.concat(negative).map((t) => Math.abs(t.weight)));
    fillTerms("positive-terms", positive, largest);
    fillTerms("negative-terms", negative, largest);
    document.getElementById("model-version").textContent =
      typeof body.model_version === "string" ? `Model ${body.model_version}` : "";
    errorPanel.hidden = true;
    resultPanel.hidden = false;
    status.textContent = `Sentiment: ${label}, ${percent(sure)} sure.`;
  }

  async function errorFromResponse(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      // not JSON (e.g. a proxy's HTML page): fall back to the status below
    }
    let message =
      body && typeof body.message === "string" && body.message.trim()
        ? body.message
        : `The sentiment service answered with an error (HTTP ${response.status}).`;
    const retryAfter = response.headers.get("Retry-After");
    if (response.status === 503 && retryAfter && /^\d+$/.test(retryAfter)) {
      message += ` Try again in ${retryAfter} seconds.`;
    }
    return message;
  }

  async function classify(text, url) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ review: text, explain: true }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (error && error.name === "TimeoutError") {
        showError(`The sentiment service did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds. Try again.`);
      } else {
        showError(UNREACHABLE);
      }
      return;
    }
    if (!response.ok) {
      showError(await errorFromResponse(response));
      return;
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      // handled as an unreadable answer below
    }
    if (!validAnswer(body)) {
      showError("The sentiment service sent an answer this page cannot read.");
      return;
    }
    showResult(body);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) {
      return;
    }
    clearOutcome();
    const text = review.value;
    if (text.trim() === "") {
      showFieldError("Write a review before classifying it.");
      return;
    }
    clearFieldError();
    const url = predictUrl();
    if (url === null) {
      showError("This page is not configured: config.js does not name the sentiment service.");
      return;
    }
    setBusy(true);
    try {
      await classify(text, url);
    } finally {
      setBusy(false);
    }
  });

  review.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  review.addEventListener("input", () => {
    if (!fieldError.hidden && review.value.trim() !== "") {
      clearFieldError();
    }
  });
})();
