// The one script of the form pages. It posts a form as JSON to the API
// named in data-api, shows each field's Chinese error right under the
// field, and on success replaces the form by the outcome message. The
// server stores nothing for a rejected submission, so fixing a field and
// sending again (with the same submissionId) is always safe.
"use strict";

(function () {
  var NETWORK_ERROR = "网络连接失败，请检查网络后重试。";

  function values(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      data[name] = typeof value === "string" ? value : "";
    });
    return data;
  }

  function clearIssues(form) {
    form.querySelectorAll("[data-issue-for]").forEach(function (p) {
      p.hidden = true;
      p.textContent = "";
    });
    form.querySelectorAll(".invalid").forEach(function (el) {
      el.classList.remove("invalid");
    });
    var box = form.querySelector(".form-error");
    box.hidden = true;
    box.textContent = "";
  }

  // A field may exist once per choice (e.g. per kind of case): the one
  // on show gets the message.
  function visibleSlot(form, field) {
    var slots = form.querySelectorAll('[data-issue-for="' + field + '"]');
    for (var i = 0; i < slots.length; i++) {
      if (!slots[i].parentElement.closest("[hidden]")) {
        return slots[i];
      }
    }
    return null;
  }

  function showIssues(form, error) {
    var box = form.querySelector(".form-error");
    var general = [];
    var first = null;
    var issues = error.issues ||
      [{ field: error.field, message: error.message }];
    issues.forEach(function (issue) {
      var slot = issue.field && visibleSlot(form, issue.field);
      if (!slot) {
        general.push(issue.message);
        return;
      }
      slot.textContent = issue.message;
      slot.hidden = false;
      var field = slot.closest(".field");
      field.classList.add("invalid");
      first = first || field.querySelector("input, select, textarea");
    });
    if (general.length) {
      box.textContent = general.join("；");
      box.hidden = false;
    } else if (issues.length > 1) {
      box.textContent = "有 " + issues.length + " 处需要修改，请查看标红的内容。";
      box.hidden = false;
    }
    if (first) {
      first.focus();
    } else {
      box.scrollIntoView({ block: "center" });
    }
  }

  function showDone(form, outcome) {
    var done = form.nextElementSibling;
    var link = done.querySelector(".done-link");
    var href = form.getAttribute("data-done-href");
    link.href = href.replace("{id}", String(outcome.referralId));
    done.querySelector(".done-message").textContent = outcome.message;
    form.hidden = true;
    done.hidden = false;
    done.scrollIntoView({ block: "center" });
  }

  function submit(form, event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button.disabled) {
      return;
    }
    clearIssues(form);
    button.disabled = true;
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(values(form)),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (res.ok) {
            showDone(form, body);
          } else {
            showIssues(form, body.error || { message: NETWORK_ERROR });
          }
        });
      })
      .catch(function () {
        showIssues(form, { message: NETWORK_ERROR });
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  // Parts shown only for one choice, e.g. data-show-when="kind=crime".
  // Hidden parts are disabled too, so they are not submitted.
  function applyConditions(form) {
    var data = values(form);
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("=");
      var show = data[rule[0]] === rule[1];
      el.hidden = !show;
      el.querySelectorAll("input, select, textarea").forEach(function (c) {
        c.disabled = !show;
      });
    });
  }

  document.querySelectorAll("form.api-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      submit(form, event);
    });
    form.addEventListener("change", function () {
      applyConditions(form);
    });
    applyConditions(form);
  });
})();
