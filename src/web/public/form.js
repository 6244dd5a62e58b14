// The one script of the form pages. It posts a form as JSON to the API
// named in data-api, shows each field's Chinese error right under the
// field, and on success replaces the form by the outcome message. The
// server stores nothing for a rejected submission, so fixing a field and
// sending again (with the same submissionId) is always safe.
"use strict";

(function () {
  var NETWORK_ERROR = "网络连接失败，请检查网络后重试。";
  var has = Object.prototype.hasOwnProperty;

  function values(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      data[name] = typeof value === "string" ? value : "";
    });
    return data;
  }

  // A form marked data-nested sends lists: "sites.2.address" is field
  // "address" of item 2 of "sites", and a name ending in "[]" collects
  // every checked box. Items left out (a site not chosen) leave no gap, so
  // `renumbered` records that submitted "sites.1" is "sites.2" on the page.
  function nestedValues(form, renumbered) {
    var root = Object.create(null);
    new FormData(form).forEach(function (value, name) {
      var text = typeof value === "string" ? value : "";
      var many = name.slice(-2) === "[]";
      var path = (many ? name.slice(0, -2) : name).split(".");
      var node = root;
      for (var i = 0; i < path.length - 1; i++) {
        if (typeof node[path[i]] !== "object") {
          node[path[i]] = Object.create(null);
        }
        node = node[path[i]];
      }
      var last = path[path.length - 1];
      node[last] = many ? (node[last] || []).concat(text) : text;
    });
    return packed(root, "", "", renumbered);
  }

  function packed(node, sent, shown, renumbered) {
    if (typeof node !== "object" || Array.isArray(node)) {
      return node;
    }
    var keys = Object.keys(node);
    var numbered = keys.length > 0 && keys.every(function (k) {
      return /^\d+$/.test(k);
    });
    if (numbered) {
      keys.sort(function (a, b) {
        return Number(a) - Number(b);
      });
      return keys.map(function (k, i) {
        renumbered[sent + i] = shown + k;
        return packed(node[k], sent + i + ".", shown + k + ".", renumbered);
      });
    }
    var out = Object.create(null);
    keys.forEach(function (k) {
      out[k] = packed(node[k], sent + k + ".", shown + k + ".", renumbered);
    });
    return out;
  }

  // The name on the page of a field the server named by its place in
  // the submitted lists.
  function shownField(field, renumbered) {
    var sent = "";
    var shown = "";
    field.split(".").forEach(function (part) {
      sent = sent ? sent + "." + part : part;
      shown = has.call(renumbered, sent)
        ? renumbered[sent]
        : shown ? shown + "." + part : part;
    });
    return shown;
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
    var slots = form.querySelectorAll(
      '[data-issue-for="' + CSS.escape(field) + '"]');
    for (var i = 0; i < slots.length; i++) {
      if (!slots[i].parentElement.closest("[hidden]")) {
        return slots[i];
      }
    }
    return null;
  }

  // "sites.2.unitIds.0" goes under "sites.2.unitIds" when the boxes share
  // one place for their message, or under "sites.2", or "sites".
  function slotFor(form, field) {
    var parts = field.split(".");
    for (; parts.length > 0; parts.pop()) {
      var slot = visibleSlot(form, parts.join("."));
      if (slot) {
        return slot;
      }
    }
    return null;
  }

  function showIssues(form, error, renumbered) {
    var box = form.querySelector(".form-error");
    var general = [];
    var first = null;
    var issues = error.issues ||
      [{ field: error.field, message: error.message }];
    issues.forEach(function (issue) {
      var slot = issue.field &&
        slotFor(form, shownField(issue.field, renumbered));
      if (!slot) {
        general.push(issue.message);
        return;
      }
      slot.textContent = slot.hidden
        ? issue.message
        : slot.textContent + "；" + issue.message;
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
    // "{id}" is the referral's; "{campaignId}" and the like name a field.
    link.href = href.replace(/\{(\w+)\}/g, function (_, name) {
      var value = name === "id" ? outcome.referralId : outcome[name];
      return encodeURIComponent(String(value));
    });
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
    var renumbered = {};
    var data = form.hasAttribute("data-nested")
      ? nestedValues(form, renumbered)
      : values(form);
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (res.ok) {
            showDone(form, body);
          } else {
            showIssues(form, body.error || { message: NETWORK_ERROR },
              renumbered);
          }
        });
      })
      .catch(function () {
        showIssues(form, { message: NETWORK_ERROR }, renumbered);
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
