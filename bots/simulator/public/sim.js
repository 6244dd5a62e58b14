// The simulator's chat. It polls /sim/api/state, draws the messages the
// outbox delivered (and those it still holds for office hours), sends card
// clicks to /sim/api/click, and opens card links in an in-chat webview.
// Everything is built with DOM calls and textContent: no message text is
// ever parsed as HTML.
"use strict";

(function () {
  var POLL_MS = 2500;
  var lastDrawn = "";
  var activeTab = "person";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) {
          var error = (data && data.error) || {};
          throw new Error(error.message || "操作失败，请稍后重试。");
        }
        return data;
      });
    }, function () {
      throw new Error("网络连接失败，请检查模拟器是否仍在运行。");
    });
  }

  function notify(text, ok) {
    var box = document.getElementById("notice");
    box.textContent = text;
    box.className = "notice " + (ok ? "notice-success" : "notice-error");
    box.hidden = false;
  }

  // Card links are absolute (PUBLIC_URL); the simulator opens them on its
  // own origin, whatever port it runs on.
  function localPath(url) {
    try {
      var u = new URL(url, location.href);
      return u.pathname + u.search + u.hash;
    } catch (e) {
      return url;
    }
  }

  function openWebview(url, title) {
    document.getElementById("webview-title").textContent = title;
    document.getElementById("webview").src = localPath(url);
    document.getElementById("webview-panel").hidden = false;
  }

  function closeWebview() {
    document.getElementById("webview-panel").hidden = true;
    document.getElementById("webview").src = "about:blank";
    refresh();
  }

  function click(card, button, node) {
    node.disabled = true;
    post("/sim/api/click", { cardKey: card.key, action: button.action })
      .then(function (outcome) {
        notify(outcome.message, true);
      }, function (error) {
        notify(error.message, false);
      })
      .then(function () {
        node.disabled = false;
        refresh();
      });
  }

  function drawCard(card, live) {
    var box = el("div", "card");
    var title = el("div", "card-title");
    if (card.url && live) {
      var link = el("a", null, card.title);
      link.href = localPath(card.url);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        openWebview(card.url, card.title);
      });
      title.appendChild(link);
    } else {
      title.textContent = card.title;
    }
    box.appendChild(title);
    if (card.status) {
      box.appendChild(el("div", "card-status tone-" + card.status.tone,
        card.status.text));
    }
    var fields = el("dl", "card-fields");
    (card.fields || []).forEach(function (f) {
      fields.appendChild(el("dt", null, f.label));
      fields.appendChild(el("dd", null, f.value));
    });
    box.appendChild(fields);
    if (card.note) {
      box.appendChild(el("p", "card-note", card.note));
    }
    var buttons = el("div", "card-buttons");
    (card.buttons || []).forEach(function (b) {
      var node = el("button", "card-button " + (b.style || "default"), b.label);
      node.type = "button";
      node.disabled = !live;
      if (b.action) {
        node.setAttribute("data-action", b.action);
        node.addEventListener("click", function () {
          click(card, b, node);
        });
      } else if (b.url) {
        node.setAttribute("data-url", localPath(b.url));
        node.addEventListener("click", function () {
          openWebview(b.url, b.label + "：" + card.title);
        });
      }
      buttons.appendChild(node);
    });
    box.appendChild(buttons);
    return box;
  }

  function drawBody(message, live) {
    if (message.type === "card" || message.type === "card_update") {
      return drawCard(message.card, live);
    }
    if (message.type === "markdown") {
      return drawMarkdown(message);
    }
    if (message.type === "file") {
      var box = el("div", "text file");
      var link = el("a", null, "📄 " + message.name);
      link.href = "/exports/" + encodeURIComponent(message.token);
      link.setAttribute("download", message.name);
      box.appendChild(link);
      return box;
    }
    return el("p", "text", message.text);
  }

  // The little markdown the bot writes: headings, **bold**, list lines,
  // quotes. Built with DOM calls: text never becomes markup.
  function drawInline(parent, line) {
    var parts = line.split(/(\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/);
    parts.forEach(function (part) {
      var link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
      if (/^\*\*[^*]+\*\*$/.test(part)) {
        parent.appendChild(el("strong", null, part.slice(2, -2)));
      } else if (link) {
        // Links to our own pages open in the chat's webview, like cards.
        var a = el("a", null, link[1]);
        a.href = localPath(link[2]);
        a.addEventListener("click", function (event) {
          event.preventDefault();
          openWebview(link[2], link[1]);
        });
        parent.appendChild(a);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function drawMarkdown(message) {
    var box = el("div", "text markdown");
    var lines = message.text.split("\n");
    var first = (lines[0] || "").replace(/[#*>\s]/g, "");
    if (first.indexOf(message.title.replace(/\s/g, "")) === -1) {
      box.appendChild(el("strong", "md-title", message.title));
    }
    lines.forEach(function (line) {
      var heading = /^#{1,6}\s+(.*)$/.exec(line);
      var quote = /^>\s?(.*)$/.exec(line);
      var node;
      if (heading) {
        node = el("div", "md-heading");
        drawInline(node, heading[1]);
      } else if (quote) {
        node = el("div", "md-quote");
        drawInline(node, quote[1]);
      } else {
        node = el("div", line.trim() ? "md-line" : "md-gap");
        drawInline(node, line);
      }
      box.appendChild(node);
    });
    return box;
  }

  function drawInbox(list, inbox) {
    list.textContent = "";
    if (!inbox || (inbox.messages.length + inbox.pending.length) === 0) {
      list.appendChild(el("li", "empty", "暂无消息。"));
      return;
    }
    inbox.messages.forEach(function (m) {
      var item = el("li", m.message.from === "me" ? "msg mine" : "msg");
      item.setAttribute("data-message-id", String(m.id));
      if (m.message.card) {
        item.setAttribute("data-card-key", m.message.card.key);
      }
      item.appendChild(drawBody(m.message, true));
      var when = m.at + (m.updatedAt ? "（" + m.updatedAt + " 更新）" : "");
      item.appendChild(el("div", "msg-time", when));
      list.appendChild(item);
    });
    inbox.pending.forEach(function (m) {
      var item = el("li", "msg pending");
      var label = m.message.type === "card_update" ? "卡片更新待送达" : "待送达";
      item.appendChild(el("div", "pending-label", label + "（" + m.when + "）"));
      item.appendChild(drawBody(m.message, false));
      list.appendChild(item);
    });
  }

  function draw(state) {
    var signature = JSON.stringify(state);
    if (signature === lastDrawn) {
      return;
    }
    var wasAtEnd = window.innerHeight + window.scrollY >=
      document.body.scrollHeight - 40;
    lastDrawn = signature;
    document.getElementById("clock-now").textContent = state.clock.now;
    var officeNote = document.getElementById("office-note");
    officeNote.textContent = state.clock.officeNote || "";
    officeNote.hidden = !state.clock.officeNote;
    var input = document.getElementById("clock-input");
    if (input && document.activeElement !== input) {
      input.value = state.clock.value;
    }
    drawInbox(document.getElementById("inbox-person"), state.person);
    drawInbox(document.getElementById("inbox-group"), state.group);
    var count = state.group ? state.group.messages.length : 0;
    document.getElementById("group-count").textContent =
      count ? "（" + count + "）" : "";
    if (wasAtEnd) {
      window.scrollTo(0, document.body.scrollHeight);
    }
  }

  function refresh() {
    return fetch("/sim/api/state", { credentials: "same-origin" })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) {
          location.href = "/sim?switch=1";
          return;
        }
        return res.json().then(draw);
      })
      .catch(function () {
        // The next poll tries again; a restart of the bot is normal here.
      });
  }

  function showTab(name) {
    activeTab = name;
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      var selected = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", String(selected));
    });
    document.getElementById("inbox-person").hidden = name !== "person";
    document.getElementById("inbox-group").hidden = name !== "group";
    document.getElementById("say-form").hidden = name !== "person";
  }

  function say(event) {
    event.preventDefault();
    var input = document.getElementById("say-input");
    var text = input.value.trim();
    if (!text) {
      return;
    }
    input.disabled = true;
    showTab("person");
    post("/sim/api/say", { text: text }).then(function () {
      input.value = "";
    }, function (error) {
      notify(error.message, false);
    }).then(function () {
      input.disabled = false;
      input.focus();
      refresh();
    });
  }

  function setClock(event) {
    event.preventDefault();
    var issue = document.getElementById("clock-issue");
    issue.hidden = true;
    var value = document.getElementById("clock-input").value;
    post("/sim/api/clock", { instant: value }).then(function (result) {
      notify(result.message, true);
      refresh();
    }, function (error) {
      issue.textContent = error.message;
      issue.hidden = false;
    });
  }

  function runJob(button) {
    button.disabled = true;
    post("/sim/api/jobs/" + button.getAttribute("data-job"))
      .then(function (result) {
        notify(result.message, true);
      }, function (error) {
        notify(error.message, false);
      })
      .then(function () {
        button.disabled = false;
        refresh();
      });
  }

  document.querySelectorAll("[data-tab]").forEach(function (tab) {
    tab.addEventListener("click", function () {
      showTab(tab.getAttribute("data-tab"));
    });
  });
  document.querySelectorAll("[data-job]").forEach(function (button) {
    button.addEventListener("click", function () {
      runJob(button);
    });
  });
  document.getElementById("say-form").addEventListener("submit", say);
  var clockForm = document.getElementById("clock-form");
  if (clockForm) {
    clockForm.addEventListener("submit", setClock);
  }
  var refer = document.getElementById("new-referral");
  if (refer) {
    refer.addEventListener("click", function () {
      openWebview(refer.getAttribute("data-url"), "新建移送");
    });
  }
  var campaignsPage = document.getElementById("campaigns-page");
  campaignsPage.addEventListener("click", function () {
    openWebview(campaignsPage.getAttribute("data-url"), "集中接访");
  });
  var projectsPage = document.getElementById("projects-page");
  if (projectsPage) {
    projectsPage.addEventListener("click", function () {
      openWebview(projectsPage.getAttribute("data-url"), "新开工项目");
    });
  }
  var adminPage = document.getElementById("admin-page");
  if (adminPage) {
    adminPage.addEventListener("click", function () {
      openWebview(adminPage.getAttribute("data-url"), "管理");
    });
  }
  document.getElementById("webview-close")
    .addEventListener("click", closeWebview);

  showTab(activeTab);
  refresh();
  setInterval(refresh, POLL_MS);
})();
