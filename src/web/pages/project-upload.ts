/**
 * 上传附件1: an industry authority picks the sheet it filled in Excel or
 * WPS; the page's script (project-upload.js) sends the file to be
 * checked and shows the preview (rows to import, rows already reported,
 * each problem by row and column), then imports all rows or none.
 */
import { MAX_FILE_BYTES } from "../../projects/package.js";
import type { Person } from "../../units/directory.js";
import { html } from "../html.js";
import { newSubmissionId } from "./form-kit.js";
import { page } from "./layout.js";
import { STYLES } from "./project-forms.js";

const XLSX =
  ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function uploadPage(options: { person: Person }): string {
  const { person } = options;
  const limit = MAX_FILE_BYTES / 1024 / 1024;
  return page({
    title: "上传附件1",
    person,
    styles: STYLES,
    scripts: ["/static/project-upload.js"],
    body: html`<p>报送单位：${person.unit.name}。请上传按附件1（遂宁市新开工建设工程项目情况表）${
      "填写的 Excel 表格，系统先检查并列出将导入的项目，确认无误后再全部导入。"
    }</p>
<p class="links"><a class="button" href="/projects/new">改为逐个填报</a></p>
<section id="upload" class="upload" data-preview-api="/api/projects/upload/preview"
 data-import-api="/api/projects/upload/import" data-submission="${newSubmissionId()}">
<div class="field" data-field="file">
<label for="f-file">附件1表格（.xlsx）<span class="req" title="必填">*</span></label>
<input type="file" id="f-file" name="file" accept="${XLSX}">
<p class="hint">上限 ${limit} MB。旧版 .xls 文件请先用 Excel 或 WPS“另存为”.xlsx。</p>
<p class="issue" data-issue-for="file" role="alert" hidden></p>
</div>
<div class="actions">
<button type="button" id="preview-button" class="button primary">检查表格</button>
</div>
</section>

<section id="preview" class="preview" hidden aria-live="polite">
<div id="preview-summary" class="notice" role="status"></div>
<div id="preview-errors" hidden><h2>需要改正的问题</h2><ul class="history issues"></ul></div>
<div id="preview-rows" hidden><h2 data-ok="将导入的项目" data-blocked="检查通过的行">将导入的项目</h2>
<ul class="history project-list"></ul></div>
<div id="preview-duplicates" hidden><h2>已报送过的项目（不重复导入）</h2>
<ul class="history project-list"></ul></div>
<div class="actions" id="import-actions" hidden>
<button type="button" id="import-button" class="button primary">全部导入</button>
</div>
</section>

<div id="import-done" class="notice notice-success" role="status" hidden>
<p class="done-message"></p>
<p><a class="button" href="/projects">查看本单位项目</a>
<a class="button" href="/projects/upload">继续上传</a></p>
</div>`,
  });
}
