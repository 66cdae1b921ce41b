// The sign-in page: posts the access token as JSON and goes to the app. Without JavaScript the form
// posts itself and the server redirects.
"use strict";
(function () {
  const form = document.getElementById("signin");
  const input = document.getElementById("token");
  const error = document.getElementById("signin-error");
  if (new URLSearchParams(location.search).get("error") === "invalid_token") {
    error.textContent = "That access token is not valid. Check it and try again.";
  }
  input.focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ token: input.value.trim() }),
        credentials: "same-origin",
      });
      if (response.ok) {
        location.assign("/");
        return;
      }
      const body = await response.json().catch(() => null);
      error.textContent = (body && body.error && body.error.message) || `Sign-in failed (HTTP ${response.status}).`;
      input.select();
    } catch (e) {
      error.textContent = "Overture cannot be reached. Check your connection and try again.";
    } finally {
      button.disabled = false;
    }
  });
})();
