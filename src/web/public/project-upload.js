// The upload page's script. It sends the chosen .xlsx as the request body
// to be checked, shows the preview (rows to import, rows reported before,
// each problem by row and column), and imports all rows on "全部导入",
// sending the same file again with the page's submissionId. Nothing is
// stored until then, and a refused import stores nothing either.
"use strict";

(function () {
  var NETWORK_ERROR = "网络连接失败，请检查网络后重试。";
  var XLSX =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  var root = document.getElementById("upload");
  if (!root) {
    return;
  }
  var input = document.getElementById("f-file");
  var fileIssue = root.querySelector('[data-issue-for="file"]');
  var previewButton = document.getElementById("preview-button");
  var importButton = document.getElementById("import-button");
  var preview = document.getElementById("preview");
  var summary = document.getElementById("preview-summary");
  var done = document.getElementById("import-done");
  var checked = null;

  function post(url, file) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": XLSX,
        "X-File-Name": encodeURIComponent(file.name),
      },
      body: file,
    }).then(function (res) {
      return res.json().then(function (body) {
        return { ok: res.ok, body: body };
      });
    });
  }

  function showFileIssue(message) {
    fileIssue.textContent = message;
    fileIssue.hidden = !message;
    root.querySelector(".field").classList.toggle("invalid", !!message);
    if (message) {
      input.focus();
    }
  }

  function fill(id, items, line) {
    var block = document.getElementById(id);
    var list = block.querySelector("ul");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = line(item);
      list.appendChild(li);
    });
    block.hidden = items.length === 0;
  }

  // Joins the parts of a sentence: numbers and names between the words.
  function text() {
    return Array.prototype.join.call(arguments, "");
  }

  function rowLine(row) {
    var timely = row.lateDays > 0
      ? text("，已超过报送期限（", row.reportDueDate, "）", row.lateDays,
        " 个工作日，将记为迟报")
      : text("，报送期限 ", row.reportDueDate);
    return text("第 ", row.rowNumber, " 行 ", row.name, "（", row.builder,
      "），", row.jurisdiction, "，开工 ", row.startDate, timely);
  }

  function duplicateLine(d) {
    return text("第 ", d.rowNumber, " 行 ", d.name, "：已由", d.unitName,
      "于 ", d.reportedDate, " 报送");
  }

  function setSummary(message, tone) {
    summary.textContent = message;
    summary.className = "notice notice-" + tone;
  }

  function summarize(result) {
    var late = result.rows.filter(function (r) {
      return r.lateDays > 0;
    }).length;
    var unit = result.meta.unitName
      ? text("表中填报单位：", result.meta.unitName, "\n")
      : "";
    if (result.errors.length > 0) {
      setSummary(text(unit, "表格中有 ", result.errors.length,
        " 处问题，整表不能导入。请在 Excel 中改正后重新选择文件检查。"),
      "error");
    } else if (result.rows.length === 0) {
      setSummary(text(unit, "表中的项目都已报送过，无需导入。"), "info");
    } else {
      var more = [];
      if (late > 0) {
        more.push(text("（其中 ", late, " 个将记为迟报）"));
      }
      if (result.duplicates.length > 0) {
        more.push(text("；", result.duplicates.length,
          " 行是已报送过的项目，不会重复导入"));
      }
      setSummary(text(unit, "共 ", result.rows.length, " 个项目可以导入",
        more.join(""), "。请核对后点击“全部导入”。"), "info");
    }
  }

  function showPreview(result) {
    fill("preview-errors", result.errors, function (e) {
      return e.message;
    });
    fill("preview-rows", result.rows, rowLine);
    // With problems nothing is imported: the good rows are only checked.
    var heading = document.querySelector("#preview-rows h2");
    heading.textContent = heading.getAttribute(
      result.errors.length > 0 ? "data-blocked" : "data-ok",
    );
    fill("preview-duplicates", result.duplicates, duplicateLine);
    summarize(result);
    var importable = result.ok && result.rows.length > 0;
    document.getElementById("import-actions").hidden = !importable;
    preview.hidden = false;
    summary.scrollIntoView({ block: "center" });
  }

  function reset() {
    checked = null;
    preview.hidden = true;
    showFileIssue("");
  }

  function check() {
    var file = input.files && input.files[0];
    reset();
    if (!file) {
      showFileIssue("请选择要上传的附件1表格（.xlsx）。");
      return;
    }
    previewButton.disabled = true;
    post(root.getAttribute("data-preview-api"), file)
      .then(function (res) {
        if (!res.ok) {
          showFileIssue(
            res.body.error ? res.body.error.message : NETWORK_ERROR,
          );
          return;
        }
        checked = file;
        showPreview(res.body);
      })
      .catch(function () {
        showFileIssue(NETWORK_ERROR);
      })
      .finally(function () {
        previewButton.disabled = false;
      });
  }

  function importAll() {
    if (!checked || importButton.disabled) {
      return;
    }
    importButton.disabled = true;
    var url =
      root.getAttribute("data-import-api") +
      "?submissionId=" +
      encodeURIComponent(root.getAttribute("data-submission"));
    post(url, checked)
      .then(function (res) {
        if (!res.ok) {
          setSummary(
            res.body.error ? res.body.error.message : NETWORK_ERROR,
            "error",
          );
          summary.scrollIntoView({ block: "center" });
          return;
        }
        done.querySelector(".done-message").textContent = res.body.message;
        root.hidden = true;
        preview.hidden = true;
        done.hidden = false;
        done.scrollIntoView({ block: "center" });
      })
      .catch(function () {
        setSummary(NETWORK_ERROR, "error");
      })
      .finally(function () {
        importButton.disabled = false;
      });
  }

  input.addEventListener("change", reset);
  previewButton.addEventListener("click", check);
  importButton.addEventListener("click", importAll);
})();
