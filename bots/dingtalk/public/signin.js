// Inside the DingTalk client: ask it for a one-time sign-in code, hand the
// code to the server, then open the page the link named.
(function () {
  "use strict";
  var box = document.getElementById("signin");
  var status = document.getElementById("signin-status");
  if (!box || !status) {
    return;
  }
  var corpId = box.getAttribute("data-corp-id");
  var next = box.getAttribute("data-next");
  var state = box.getAttribute("data-state");

  function fail(text) {
    status.textContent = text;
    status.className = "notice notice-error";
  }

  var sent = false;
  function send(code) {
    // Older clients call onSuccess, newer ones success: use the first.
    if (sent) {
      return;
    }
    sent = true;
    fetch("/api/dingtalk/signin", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: code, next: next, state: state }),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) {
            var said = (body.error && body.error.message) || body.message;
            throw new Error(said || "登录失败，请稍后重试。");
          }
          window.location.replace(body.next);
        });
      })
      .catch(function (error) {
        fail(error.message || "登录失败，请稍后重试。");
      });
  }

  var dd = window.dd;
  // The JSAPI loads anywhere but only works inside the DingTalk client.
  if (dd && dd.env && dd.env.platform === "notInDingTalk") {
    fail("请在钉钉客户端中打开此链接。");
    return;
  }
  var ask =
    dd && dd.runtime && dd.runtime.permission
      ? dd.runtime.permission.requestAuthCode
      : dd && dd.requestAuthCode;
  if (!ask) {
    fail("请在钉钉客户端中打开此链接。");
    return;
  }
  // A client that never answers leaves a word instead of a spinner.
  window.setTimeout(function () {
    if (!sent) {
      fail("钉钉没有响应，请在钉钉客户端中重新打开此链接。");
    }
  }, 15000);
  try {
    ask({
      corpId: corpId,
      clientId: box.getAttribute("data-client-id"),
      onSuccess: function (result) {
        send(result.code || result.authCode);
      },
      success: function (result) {
        send(result.code || result.authCode);
      },
      onFail: function () {
        fail("钉钉没有给出登录凭据，请在钉钉客户端中重新打开此链接。");
      },
      fail: function () {
        fail("钉钉没有给出登录凭据，请在钉钉客户端中重新打开此链接。");
      },
    });
  } catch (error) {
    fail("请在钉钉客户端中打开此链接。");
  }
})();
