<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
  <context>
    <name>AboutDialog</name>
    <message>
      <source>数据库结构</source>
      <translation>Database schema</translation>
    </message>
    <message>
      <source>操作系统</source>
      <translation>Operating system</translation>
    </message>
    <message>
      <source>日志文件</source>
      <translation>Log file</translation>
    </message>
    <message>
      <source>标准规则集</source>
      <translation>Standards rule set</translation>
    </message>
    <message>
      <source>数据库文件</source>
      <translation>Database file</translation>
    </message>
    <message>
      <source>关于 VetDesk</source>
      <translation>About VetDesk</translation>
    </message>
    <message>
      <source>&lt;p&gt;海东市职业教育数据填报、核验与上报工具（离线）。&lt;/p&gt;&lt;p&gt;界面中文字体：Noto Sans CJK SC 子集，SIL Open Font License 1.1。&lt;/p&gt;</source>
      <translation>&lt;p&gt;Offline tool for entering, checking and reporting Haidong's vocational-education data.&lt;/p&gt;&lt;p&gt;Chinese interface font: a subset of Noto Sans CJK SC, SIL Open Font License 1.1.&lt;/p&gt;</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <source>图形界面</source>
      <translation>GUI</translation>
    </message>
    <message>
      <source>无法打开数据库 {name}：{detail}
同一个数据库同时只能由一个窗口使用。</source>
      <translation>Cannot open the database {name}: {detail}
A database can be used by one window at a time.</translation>
    </message>
    <message>
      <source>找不到数据库文件 {path}。</source>
      <translation>Database file {path} not found.</translation>
    </message>
    <message>
      <source>截图需要用 --db 指定数据库。</source>
      <translation>Screenshots need a database given with --db.</translation>
    </message>
    <message>
      <source>已保存 {n} 张截图到 {dir}</source>
      <translation>Saved {n} screenshots to {dir}</translation>
    </message>
  </context>
  <context>
    <name>AuditPage</name>
    <message>
      <source>时间</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>操作员</source>
      <translation>Operator</translation>
    </message>
    <message>
      <source>操作</source>
      <translation>Action</translation>
    </message>
    <message>
      <source>数据表</source>
      <translation>Table</translation>
    </message>
    <message>
      <source>记录</source>
      <translation>Record</translation>
    </message>
    <message>
      <source>字段</source>
      <translation>Field</translation>
    </message>
    <message>
      <source>原值</source>
      <translation>Old value</translation>
    </message>
    <message>
      <source>新值</source>
      <translation>New value</translation>
    </message>
    <message>
      <source>搜索记录、字段或值</source>
      <translation>Search records, fields or values</translation>
    </message>
    <message>
      <source>数据表：</source>
      <translation>Table:</translation>
    </message>
    <message>
      <source>操作员：</source>
      <translation>Operator:</translation>
    </message>
    <message>
      <source>操作：</source>
      <translation>Action:</translation>
    </message>
    <message>
      <source>从：</source>
      <translation>From:</translation>
    </message>
    <message>
      <source>到：</source>
      <translation>To:</translation>
    </message>
    <message>
      <source>导出…</source>
      <translation>Export…</translation>
    </message>
    <message>
      <source>导出符合筛选条件的全部条目（CSV 或 Excel）</source>
      <translation>Export every entry that matches the filters (CSV or Excel)</translation>
    </message>
    <message>
      <source>校验日志完整性</source>
      <translation>Check log integrity</translation>
    </message>
    <message>
      <source>每条日志都与前一条以哈希相连；事后改动任何一条都会被发现</source>
      <translation>Each entry is chained to the previous one by its hash, so any later change to an entry is detected</translation>
    </message>
    <message>
      <source>不限</source>
      <translation>Any</translation>
    </message>
    <message>
      <source>全部</source>
      <translation>All</translation>
    </message>
    <message>
      <source>（未记录）</source>
      <translation>(not recorded)</translation>
    </message>
    <message>
      <source>共 {total} 条，符合条件 {matching} 条</source>
      <translation>{total} entries, {matching} matching</translation>
    </message>
    <message>
      <source>，显示最新的 {shown} 条（导出包含全部）</source>
      <translation>; showing the newest {shown} (exports include all)</translation>
    </message>
    <message>
      <source>审计日志-{date}.xlsx</source>
      <translation>audit-log-{date}.xlsx</translation>
    </message>
    <message>
      <source>导出审计日志</source>
      <translation>Export audit log</translation>
    </message>
    <message>
      <source>Excel 工作簿 (*.xlsx);;CSV 文本 (*.csv)</source>
      <translation>Excel workbook (*.xlsx);;CSV text (*.csv)</translation>
    </message>
    <message>
      <source>已导出 {n} 条审计日志到
{path}</source>
      <translation>Exported {n} audit log entries to
{path}</translation>
    </message>
    <message>
      <source>正在导出审计日志…</source>
      <translation>Exporting the audit log…</translation>
    </message>
    <message>
      <source>审计日志</source>
      <translation>Audit log</translation>
    </message>
    <message>
      <source>审计日志完整：所有条目的哈希链都吻合。</source>
      <translation>The audit log is intact: the hash chain matches for every entry.</translation>
    </message>
    <message>
      <source>审计日志第 {id} 条与哈希链不符：该条或其之前的记录在写入后被改动过。请保留数据库文件并报告。</source>
      <translation>Audit log entry {id} does not match the hash chain: it or an earlier entry was changed after it was written. Keep the database file and report this.</translation>
    </message>
    <message>
      <source>正在校验审计日志…</source>
      <translation>Checking the audit log…</translation>
    </message>
  </context>
  <context>
    <name>Backups</name>
    <message>
      <source>{n} KB</source>
      <translation>{n} KB</translation>
    </message>
    <message>
      <source>{n:.1f} MB</source>
      <translation>{n:.1f} MB</translation>
    </message>
    <message>
      <source>备份时间</source>
      <translation>Backed up</translation>
    </message>
    <message>
      <source>原因</source>
      <translation>Reason</translation>
    </message>
    <message>
      <source>统计年度</source>
      <translation>Periods</translation>
    </message>
    <message>
      <source>大小</source>
      <translation>Size</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>已校验</source>
      <translation>Verified</translation>
    </message>
    <message>
      <source>损坏数据库的原样副本</source>
      <translation>Raw copy of a damaged database</translation>
    </message>
    <message>
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <source>VetDesk 每天第一次打开数据库时、以及每次导入、合并、更换密钥之前自动备份，每个备份都经过完整性校验。恢复时会先把当前状态另存为一个备份，不会丢失。</source>
      <translation>VetDesk backs up the database the first time it opens it each day and before every import, merge and key change; every backup is checked for integrity. A restore first saves the current state as another backup, so nothing is lost.</translation>
    </message>
    <message>
      <source>立即备份</source>
      <translation>Back up now</translation>
    </message>
    <message>
      <source>恢复所选备份…</source>
      <translation>Restore selected backup…</translation>
    </message>
    <message>
      <source>打开备份文件夹</source>
      <translation>Open backup folder</translation>
    </message>
    <message>
      <source>共 {n} 个备份</source>
      <translation>{n} backups</translation>
    </message>
    <message>
      <source>备份</source>
      <translation>Backup</translation>
    </message>
    <message>
      <source>已备份（已校验）：{name}</source>
      <translation>Backed up and verified: {name}</translation>
    </message>
    <message>
      <source>正在备份…</source>
      <translation>Backing up…</translation>
    </message>
    <message>
      <source>用 {time} 的备份（{reason}）替换当前数据库？
当前数据库会先另存为一个备份，恢复后也可以再换回来。</source>
      <translation>Replace the current database with the backup of {time} ({reason})?
The current database is saved as a backup first, so you can switch back later.</translation>
    </message>
    <message>
      <source>恢复备份</source>
      <translation>Restore backup</translation>
    </message>
    <message>
      <source>数据库已损坏</source>
      <translation>Database damaged</translation>
    </message>
    <message>
      <source>&lt;b&gt;数据库 {name} 未通过启动检查，可能已损坏。&lt;/b&gt;</source>
      <translation>&lt;b&gt;Database {name} failed the start-up check and may be damaged.&lt;/b&gt;</translation>
    </message>
    <message>
      <source>检查发现：{problems}</source>
      <translation>The check found: {problems}</translation>
    </message>
    <message>
      <source>可以先以只读方式打开查看（不能修改），或从一个备份恢复（当前的文件会原样保留一份副本）。请选择要恢复的备份，通常是最新的一个。</source>
      <translation>You can open it read-only to look at it (no changes possible), or restore a backup (an exact copy of the current file is kept). Choose the backup to restore; usually the newest one.</translation>
    </message>
    <message>
      <source>没有找到这个数据库的备份。可以以只读方式打开，尽量查看和导出数据。</source>
      <translation>No backup of this database was found. You can open it read-only to see and export as much data as possible.</translation>
    </message>
    <message>
      <source>以只读方式打开</source>
      <translation>Open read-only</translation>
    </message>
    <message>
      <source>从所选备份恢复</source>
      <translation>Restore selected backup</translation>
    </message>
    <message>
      <source>退出</source>
      <translation>Quit</translation>
    </message>
  </context>
  <context>
    <name>ChecksPanel</name>
    <message>
      <source>学校</source>
      <translation>School</translation>
    </message>
    <message>
      <source>办学条件</source>
      <translation>Conditions</translation>
    </message>
    <message>
      <source>教师</source>
      <translation>Teacher</translation>
    </message>
    <message>
      <source>培训项目</source>
      <translation>Training</translation>
    </message>
    <message>
      <source>企业实践</source>
      <translation>Enterprise practice</translation>
    </message>
    <message>
      <source>级别</source>
      <translation>Severity</translation>
    </message>
    <message>
      <source>类别</source>
      <translation>Kind</translation>
    </message>
    <message>
      <source>记录</source>
      <translation>Record</translation>
    </message>
    <message>
      <source>字段</source>
      <translation>Field</translation>
    </message>
    <message>
      <source>值</source>
      <translation>Value</translation>
    </message>
    <message>
      <source>问题</source>
      <translation>Problem</translation>
    </message>
    <message>
      <source>说明（双击填写）</source>
      <translation>Explanation (double-click to write)</translation>
    </message>
    <message>
      <source>双击或按 F2 填写说明；说明会随数据上报。</source>
      <translation>Double-click or press F2 to write an explanation; it is submitted with the data.</translation>
    </message>
    <message>
      <source>全部</source>
      <translation>All</translation>
    </message>
    <message>
      <source>错误</source>
      <translation>Error</translation>
    </message>
    <message>
      <source>警告</source>
      <translation>Warning</translation>
    </message>
    <message>
      <source>未说明的警告</source>
      <translation>Unexplained warnings</translation>
    </message>
    <message>
      <source>学校：</source>
      <translation>School:</translation>
    </message>
    <message>
      <source>级别：</source>
      <translation>Severity:</translation>
    </message>
    <message>
      <source>规则：</source>
      <translation>Rule:</translation>
    </message>
    <message>
      <source>双击一条问题可跳转到对应记录和字段改正数据；警告如属实际情况，在下方填写说明（说明随数据上报）。</source>
      <translation>Double-click a problem to go to its record and field and correct the data; if a warning reflects the real situation, explain it below (explanations are submitted with the data).</translation>
    </message>
    <message>
      <source>选中的问题</source>
      <translation>Selected problem</translation>
    </message>
    <message>
      <source>说明为什么这是实际情况，例如：该校 2025 年秋季新建校区，图书正在采购。</source>
      <translation>Explain why this is the real situation, e.g. the school opened a new campus in autumn 2025 and its books are being purchased.</translation>
    </message>
    <message>
      <source>保存说明(&amp;S)</source>
      <translation>&amp;Save explanation</translation>
    </message>
    <message>
      <source>转到记录(&amp;G)</source>
      <translation>&amp;Go to record</translation>
    </message>
    <message>
      <source>在上面的列表中选择一条问题。</source>
      <translation>Select a problem in the list above.</translation>
    </message>
    <message>
      <source>错误必须改正数据，不能用说明代替。</source>
      <translation>Errors must be corrected in the data; an explanation cannot replace a correction.</translation>
    </message>
    <message>
      <source>全部学校</source>
      <translation>All schools</translation>
    </message>
    <message>
      <source>全部规则</source>
      <translation>All rules</translation>
    </message>
    <message>
      <source>显示 {shown} / 共 {total} 条</source>
      <translation>Showing {shown} of {total}</translation>
    </message>
  </context>
  <context>
    <name>City</name>
    <message>
      <source>有效</source>
      <translation>Valid</translation>
    </message>
    <message>
      <source>不是上报包</source>
      <translation>Not a package</translation>
    </message>
    <message>
      <source>文件已损坏</source>
      <translation>File damaged</translation>
    </message>
    <message>
      <source>格式版本不支持</source>
      <translation>Unsupported format</translation>
    </message>
    <message>
      <source>签名密钥未登记</source>
      <translation>Key not registered</translation>
    </message>
    <message>
      <source>签名密钥已吊销</source>
      <translation>Key revoked</translation>
    </message>
    <message>
      <source>单位与密钥不符</source>
      <translation>Wrong unit for key</translation>
    </message>
    <message>
      <source>内容被改动</source>
      <translation>Tampered</translation>
    </message>
    <message>
      <source>重复或过期的包</source>
      <translation>Replayed or outdated</translation>
    </message>
    <message>
      <source>序号冲突</source>
      <translation>Sequence conflict</translation>
    </message>
    <message>
      <source>待处理</source>
      <translation>Pending</translation>
    </message>
    <message>
      <source>已接收并合并</source>
      <translation>Accepted and merged</translation>
    </message>
    <message>
      <source>已拒收</source>
      <translation>Rejected</translation>
    </message>
    <message>
      <source>核验未通过</source>
      <translation>Failed verification</translation>
    </message>
    <message>
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <source>县区</source>
      <translation>County</translation>
    </message>
    <message>
      <source>年度</source>
      <translation>Year</translation>
    </message>
    <message>
      <source>序号</source>
      <translation>No.</translation>
    </message>
    <message>
      <source>核验结果</source>
      <translation>Verification</translation>
    </message>
    <message>
      <source>处理</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>签名密钥指纹</source>
      <translation>Key fingerprint</translation>
    </message>
    <message>
      <source>签发回执</source>
      <translation>Issue receipts</translation>
    </message>
    <message>
      <source>为每个处理的上报包签发回执</source>
      <translation>Issue a signed receipt for every package accepted or rejected</translation>
    </message>
    <message>
      <source>回执</source>
      <translation>Receipts</translation>
    </message>
    <message>
      <source>选择…</source>
      <translation>Choose…</translation>
    </message>
    <message>
      <source>回执用市局签名密钥签名，县区导入后即可确认上报结果。口令只在本次运行期间保存在内存中。</source>
      <translation>Receipts are signed with the city's key; importing one tells the county what became of its package. The passphrase is kept in memory for this session only.</translation>
    </message>
    <message>
      <source>回执保存到：</source>
      <translation>Save receipts in:</translation>
    </message>
    <message>
      <source>密钥口令：</source>
      <translation>Key passphrase:</translation>
    </message>
    <message>
      <source>回执保存到</source>
      <translation>Save receipts in</translation>
    </message>
    <message>
      <source>拒收上报包</source>
      <translation>Reject package</translation>
    </message>
    <message>
      <source>拒收 {county} {year} 年度第 {seq} 号上报包。请写明原因，回执会告知县区：</source>
      <translation>Reject package no. {seq} of {county} for {year}. State the reason; the receipt tells the county:</translation>
    </message>
    <message>
      <source>例如：培训项目数据与上年差异过大，请核实后重新上报。</source>
      <translation>For example: training figures differ greatly from last year; please check and submit again.</translation>
    </message>
    <message>
      <source>拒收</source>
      <translation>Reject</translation>
    </message>
    <message>
      <source>已接收 {county} 第 {seq} 号上报包并合并。</source>
      <translation>Package no. {seq} of {county} accepted and merged.</translation>
    </message>
    <message>
      <source>已拒收 {county} 第 {seq} 号上报包：{reason}</source>
      <translation>Package no. {seq} of {county} rejected: {reason}</translation>
    </message>
    <message>
      <source>回执：{path}</source>
      <translation>Receipt: {path}</translation>
    </message>
    <message>
      <source>本次未签发回执。</source>
      <translation>No receipt was issued.</translation>
    </message>
    <message>
      <source>添加上报包…</source>
      <translation>Add packages…</translation>
    </message>
    <message>
      <source>添加文件夹（如U盘）…</source>
      <translation>Add a folder (e.g. USB stick)…</translation>
    </message>
    <message>
      <source>清除已处理</source>
      <translation>Clear processed</translation>
    </message>
    <message>
      <source>核验只读取文件；接收并合并后才改动市级数据。</source>
      <translation>Verifying only reads the files; the city's data change only when a package is accepted and merged.</translation>
    </message>
    <message>
      <source>选择一个上报包查看合并预览。</source>
      <translation>Select a package to preview its merge.</translation>
    </message>
    <message>
      <source>各表汇总</source>
      <translation>Per sheet</translation>
    </message>
    <message>
      <source>变化明细</source>
      <translation>Changes</translation>
    </message>
    <message>
      <source>冲突</source>
      <translation>Conflicts</translation>
    </message>
    <message>
      <source>重复教师</source>
      <translation>Duplicate teachers</translation>
    </message>
    <message>
      <source>接收并合并</source>
      <translation>Accept and merge</translation>
    </message>
    <message>
      <source>拒收…</source>
      <translation>Reject…</translation>
    </message>
    <message>
      <source>选择上报包</source>
      <translation>Choose packages</translation>
    </message>
    <message>
      <source>选择存放上报包的文件夹</source>
      <translation>Choose the folder holding the packages</translation>
    </message>
    <message>
      <source>添加上报包</source>
      <translation>Add packages</translation>
    </message>
    <message>
      <source>文件夹 {folder} 中没有 .xlsx 文件。</source>
      <translation>The folder {folder} holds no .xlsx files.</translation>
    </message>
    <message>
      <source>正在核验 {name}…</source>
      <translation>Verifying {name}…</translation>
    </message>
    <message>
      <source>正在核验上报包…</source>
      <translation>Verifying packages…</translation>
    </message>
    <message>
      <source>{file} — {county} {year} 年度第 {seq} 号上报包</source>
      <translation>{file} — {county}, {year}, package no. {seq}</translation>
    </message>
    <message>
      <source>有问题的工作表：{sheet}</source>
      <translation>Sheet at fault: {sheet}</translation>
    </message>
    <message>
      <source>与市局现有的该县区数据相比：新增 {a} 条，修改 {c} 条，删除 {r} 条。</source>
      <translation>Compared with the city's data for this county: {a} added, {c} changed, {r} removed.</translation>
    </message>
    <message>
      <source>与市局现有的该县区数据完全相同。</source>
      <translation>Identical to the city's data for this county.</translation>
    </message>
    <message>
      <source>签名核验：</source>
      <translation>Signature check: </translation>
    </message>
    <message>
      <source>冲突（{n}）</source>
      <translation>Conflicts ({n})</translation>
    </message>
    <message>
      <source>重复教师（{n}）</source>
      <translation>Duplicate teachers ({n})</translation>
    </message>
    <message>
      <source>变化明细（{n}）</source>
      <translation>Changes ({n})</translation>
    </message>
    <message>
      <source>接收并合并{county}第 {seq} 号上报包？该县区 {year} 年度的数据将以上报包为准（新增 {a} 条、修改 {c} 条、删除 {r} 条）；合并前会自动备份数据库，并签发回执。</source>
      <translation>Accept and merge package {seq} of {county}? That county's {year} data will be replaced by the package's ({a} added, {c} changed, {r} removed); the database is backed up first and a receipt is issued.</translation>
    </message>
    <message>
      <source>正在解锁签名密钥…</source>
      <translation>Unlocking the signing key…</translation>
    </message>
    <message>
      <source>正在合并…</source>
      <translation>Merging…</translation>
    </message>
    <message>
      <source>合并前的检查发现冲突，未合并。请查看冲突。</source>
      <translation>The check before merging found conflicts; nothing was merged. See the conflicts.</translation>
    </message>
    <message>
      <source>正在合并上报包…</source>
      <translation>Merging the package…</translation>
    </message>
    <message>
      <source>正在签发回执…</source>
      <translation>Issuing the receipt…</translation>
    </message>
    <message>
      <source>无警告</source>
      <translation>No warnings</translation>
    </message>
    <message>
      <source>警告 {n} 条，均已说明</source>
      <translation>{n} warnings, all explained</translation>
    </message>
    <message>
      <source>警告 {n} 条，{m} 条未说明</source>
      <translation>{n} warnings, {m} unexplained</translation>
    </message>
    <message>
      <source>代码</source>
      <translation>Code</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>退回原因</source>
      <translation>Reason sent back</translation>
    </message>
    <message>
      <source>接收时间</source>
      <translation>Accepted at</translation>
    </message>
    <message>
      <source>县区填报人</source>
      <translation>County operator</translation>
    </message>
    <message>
      <source>错误</source>
      <translation>Errors</translation>
    </message>
    <message>
      <source>已接收包数</source>
      <translation>Packages accepted</translation>
    </message>
    <message>
      <source>警告说明</source>
      <translation>Warnings</translation>
    </message>
    <message>
      <source>↩ 已退回</source>
      <translation>↩ Sent back</translation>
    </message>
    <message>
      <source>✓ 已上报，新包被退回</source>
      <translation>✓ Submitted; newer package sent back</translation>
    </message>
    <message>
      <source>✓ 已上报</source>
      <translation>✓ Submitted</translation>
    </message>
    <message>
      <source>✗ 未上报</source>
      <translation>✗ Not submitted</translation>
    </message>
    <message>
      <source>第 {seq} 号包</source>
      <translation>package {seq}</translation>
    </message>
    <message>
      <source>{time} {package}：{reason}</source>
      <translation>{time} {package}: {reason}</translation>
    </message>
    <message>
      <source>“已上报”指市局已接收并合并该县区本年度的上报包；序号为最近接收的一次。警告说明来自上报包中的核验结果。</source>
      <translation>"Submitted" means the city has accepted and merged the county's package for the year; the number is that of the latest one accepted. Warnings are those of the check carried in the package.</translation>
    </message>
    <message>
      <source>尚无统计期。</source>
      <translation>No period yet.</translation>
    </message>
    <message>
      <source>{year} 年度上报情况：已上报 {n} / {total} 个县区</source>
      <translation>Submissions for {year}: {n} of {total} counties</translation>
    </message>
    <message>
      <source>{unit}-{year}-合并.xlsx</source>
      <translation>{unit}-{year}-merged.xlsx</translation>
    </message>
    <message>
      <source>合并工作簿</source>
      <translation>City workbook</translation>
    </message>
    <message>
      <source>已写入 {path}
汇总表：{sheets}</source>
      <translation>Written to {path}
Summary sheets: {sheets}</translation>
    </message>
    <message>
      <source>正在生成合并工作簿…</source>
      <translation>Writing the city workbook…</translation>
    </message>
  </context>
  <context>
    <name>Commands</name>
    <message>
      <source>新增记录</source>
      <translation>add record</translation>
    </message>
    <message>
      <source>修改记录</source>
      <translation>edit record</translation>
    </message>
    <message>
      <source>删除记录</source>
      <translation>delete record</translation>
    </message>
  </context>
  <context>
    <name>CompliancePage</name>
    <message>
      <source>达标</source>
      <translation>Meets standard</translation>
    </message>
    <message>
      <source>未达标</source>
      <translation>Below standard</translation>
    </message>
    <message>
      <source>数据不全</source>
      <translation>Incomplete</translation>
    </message>
    <message>
      <source>不适用</source>
      <translation>Not applicable</translation>
    </message>
    <message>
      <source>不计入达标率</source>
      <translation>Not counted in the rate</translation>
    </message>
    <message>
      <source>缺数据</source>
      <translation>Missing data</translation>
    </message>
    <message>
      <source>符合</source>
      <translation>Met</translation>
    </message>
    <message>
      <source>不符合（警告）</source>
      <translation>Not met (warning)</translation>
    </message>
    <message>
      <source>学校</source>
      <translation>School</translation>
    </message>
    <message>
      <source>县区</source>
      <translation>County</translation>
    </message>
    <message>
      <source>层次</source>
      <translation>Level</translation>
    </message>
    <message>
      <source>标准类别</source>
      <translation>Standard category</translation>
    </message>
    <message>
      <source>判定</source>
      <translation>Verdict</translation>
    </message>
    <message>
      <source>未达标指标</source>
      <translation>Indicators below standard</translation>
    </message>
    <message>
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <source>数值</source>
      <translation>Value</translation>
    </message>
    <message>
      <source>标准</source>
      <translation>Threshold</translation>
    </message>
    <message>
      <source>用途</source>
      <translation>Purpose</translation>
    </message>
    <message>
      <source>达标指标</source>
      <translation>Compliance indicator</translation>
    </message>
    <message>
      <source>设置标准（警告）</source>
      <translation>Establishment standard (warning)</translation>
    </message>
    <message>
      <source>结果</source>
      <translation>Result</translation>
    </message>
    <message>
      <source>依据</source>
      <translation>Source</translation>
    </message>
    <message>
      <source>尚无可判定的学校。</source>
      <translation>No school can be assessed yet.</translation>
    </message>
    <message>
      <source>达标 {passing} 所 / 参评 {assessed} 所，达标率 {rate:.1f}%</source>
      <translation>{passing} of {assessed} schools meet the standard ({rate:.1f}%)</translation>
    </message>
    <message>
      <source>已达到</source>
      <translation>reached</translation>
    </message>
    <message>
      <source>尚未达到</source>
      <translation>not yet reached</translation>
    </message>
    <message>
      <source>；目标：{date} 前达到 {share:.0f}%（{reached}）</source>
      <translation>; target: {share:.0f}% by {date} ({reached})</translation>
    </message>
    <message>
      <source>；{n} 所数据不全</source>
      <translation>; {n} incomplete</translation>
    </message>
    <message>
      <source>；另有 {n} 所按规定不计入达标率</source>
      <translation>; {n} more schools are left out of the rate by the plan</translation>
    </message>
    <message>
      <source>{name}（{code}）：{verdict}</source>
      <translation>{name} ({code}): {verdict}</translation>
    </message>
  </context>
  <context>
    <name>Dashboard</name>
    <message>
      <source>各县区办学条件达标率（目标 90%）</source>
      <translation>School-condition compliance by county (target 90%)</translation>
    </message>
    <message>
      <source>未达标学校的指标差距</source>
      <translation>Failing indicators of non-compliant schools</translation>
    </message>
    <message>
      <source>各校“双师型”教师占专业课教师比例</source>
      <translation>Dual-qualified share of specialty teachers by school</translation>
    </message>
    <message>
      <source>培训参训人次（按对象和类别）</source>
      <translation>Training participants by target group and category</translation>
    </message>
    <message>
      <source>十项措施目标任务进度</source>
      <translation>Progress of the ten-measure targets</translation>
    </message>
    <message>
      <source>历年变化趋势</source>
      <translation>Trend across periods</translation>
    </message>
    <message>
      <source>复制</source>
      <translation>Copy</translation>
    </message>
    <message>
      <source>把图表作为图片复制到剪贴板，可粘贴到 Word 或 WPS</source>
      <translation>Copy the chart as an image, to paste into Word or WPS</translation>
    </message>
    <message>
      <source>另存为…</source>
      <translation>Save as…</translation>
    </message>
    <message>
      <source>保存为 PNG 图片或 SVG 矢量图</source>
      <translation>Save as a PNG image or an SVG vector drawing</translation>
    </message>
    <message>
      <source>生成报告…</source>
      <translation>Write report…</translation>
    </message>
    <message>
      <source>图表(&amp;C)：</source>
      <translation>&amp;Chart:</translation>
    </message>
    <message>
      <source>打开此页时读取数据并绘制图表。</source>
      <translation>The charts are drawn when this page is opened.</translation>
    </message>
    <message>
      <source>尚无统计期。</source>
      <translation>No period yet.</translation>
    </message>
    <message>
      <source>正在读取数据并绘制图表…</source>
      <translation>Reading the data and drawing the charts…</translation>
    </message>
    <message>
      <source>{year} 年度 · {scope} · 数据截至 {date}</source>
      <translation>{year} · {scope} · data as of {date}</translation>
    </message>
    <message>
      <source>已复制“{chart}”。</source>
      <translation>Copied "{chart}".</translation>
    </message>
    <message>
      <source>保存图表</source>
      <translation>Save chart</translation>
    </message>
    <message>
      <source>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</source>
      <translation>PNG image (*.png);;SVG drawing (*.svg)</translation>
    </message>
    <message>
      <source>已保存 {path}</source>
      <translation>Saved {path}</translation>
    </message>
    <message>
      <source>正在保存图表…</source>
      <translation>Saving the chart…</translation>
    </message>
    <message>
      <source>{unit}-{year}-职业教育数据报告.pdf</source>
      <translation>{unit}-{year}-vocational-education-report.pdf</translation>
    </message>
    <message>
      <source>生成报告</source>
      <translation>Write report</translation>
    </message>
    <message>
      <source>PDF 文件 (*.pdf)</source>
      <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
      <source>已生成报告 {path}</source>
      <translation>Report written to {path}</translation>
    </message>
    <message>
      <source>正在生成报告…</source>
      <translation>Writing the report…</translation>
    </message>
  </context>
  <context>
    <name>EntityRegistry</name>
    <message>
      <source>企业实践</source>
      <translation>Enterprise practice</translation>
    </message>
    <message>
      <source>删除“{name}”？可用“撤销”恢复。</source>
      <translation>Delete “{name}”? Undo brings it back.</translation>
    </message>
    <message>
      <source>新增学校</source>
      <translation>New school</translation>
    </message>
    <message>
      <source>修改学校</source>
      <translation>Edit school</translation>
    </message>
    <message>
      <source>填写办学条件</source>
      <translation>School conditions</translation>
    </message>
    <message>
      <source>清空“{name}”本年度的办学条件数据？可用“撤销”恢复。</source>
      <translation>Clear this year's condition figures of “{name}”? Undo brings them back.</translation>
    </message>
    <message>
      <source>新增教师</source>
      <translation>New teacher</translation>
    </message>
    <message>
      <source>修改教师</source>
      <translation>Edit teacher</translation>
    </message>
    <message>
      <source>新增培训项目</source>
      <translation>New training programme</translation>
    </message>
    <message>
      <source>修改培训项目</source>
      <translation>Edit training programme</translation>
    </message>
    <message>
      <source>新增专业</source>
      <translation>New major</translation>
    </message>
    <message>
      <source>修改专业</source>
      <translation>Edit major</translation>
    </message>
    <message>
      <source>新增合作企业</source>
      <translation>New cooperating enterprise</translation>
    </message>
    <message>
      <source>修改合作企业</source>
      <translation>Edit cooperating enterprise</translation>
    </message>
    <message>
      <source>新增 1+X 证书试点</source>
      <translation>New 1+X certificate pilot</translation>
    </message>
    <message>
      <source>修改 1+X 证书试点</source>
      <translation>Edit 1+X certificate pilot</translation>
    </message>
    <message>
      <source>填写毕业生去向</source>
      <translation>Enter graduate destinations</translation>
    </message>
    <message>
      <source>修改毕业生去向</source>
      <translation>Edit graduate destinations</translation>
    </message>
    <message>
      <source>新增实践中心或工作室</source>
      <translation>New practice centre or studio</translation>
    </message>
    <message>
      <source>修改实践中心或工作室</source>
      <translation>Edit practice centre or studio</translation>
    </message>
  </context>
  <context>
    <name>Exchange</name>
    <message>
      <source>Excel 工作簿 ({patterns})</source>
      <translation>Excel workbooks ({patterns})</translation>
    </message>
    <message>
      <source>导出学校填报模板</source>
      <translation>Export school template</translation>
    </message>
    <message>
      <source>模板已按学校名录和上一年度的数据预填。学校在 Excel 或 WPS 中填写后发回，再用“导入学校填报表”导入。</source>
      <translation>The template is prefilled from the school registry and last year's figures. Schools fill it in with Excel or WPS and send it back; then import it with "Import school workbook".</translation>
    </message>
    <message>
      <source>全部学校（一个工作簿）</source>
      <translation>All schools (one workbook)</translation>
    </message>
    <message>
      <source>浏览…</source>
      <translation>Browse…</translation>
    </message>
    <message>
      <source>导出</source>
      <translation>Export</translation>
    </message>
    <message>
      <source>统计年度：</source>
      <translation>Period:</translation>
    </message>
    <message>
      <source>{year} 年度</source>
      <translation>{year}</translation>
    </message>
    <message>
      <source>学校：</source>
      <translation>School:</translation>
    </message>
    <message>
      <source>保存到：</source>
      <translation>Save to:</translation>
    </message>
    <message>
      <source>{name}-{year}-填报模板.xlsx</source>
      <translation>{name}-{year}-template.xlsx</translation>
    </message>
    <message>
      <source>保存模板</source>
      <translation>Save template</translation>
    </message>
    <message>
      <source>已导出模板：
{path}
预填行数：{lines}</source>
      <translation>Template exported:
{path}
Prefilled rows: {lines}</translation>
    </message>
    <message>
      <source>正在导出模板…</source>
      <translation>Exporting the template…</translation>
    </message>
    <message>
      <source>新增</source>
      <translation>Added</translation>
    </message>
    <message>
      <source>修改</source>
      <translation>Changed</translation>
    </message>
    <message>
      <source>删除</source>
      <translation>Removed</translation>
    </message>
    <message>
      <source>工作表</source>
      <translation>Sheet</translation>
    </message>
    <message>
      <source>未变</source>
      <translation>Unchanged</translation>
    </message>
    <message>
      <source>拒收</source>
      <translation>Rejected</translation>
    </message>
    <message>
      <source>操作</source>
      <translation>Action</translation>
    </message>
    <message>
      <source>记录</source>
      <translation>Record</translation>
    </message>
    <message>
      <source>变化（原值 → 新值）</source>
      <translation>Changes (old → new)</translation>
    </message>
    <message>
      <source>行</source>
      <translation>Row</translation>
    </message>
    <message>
      <source>列</source>
      <translation>Col.</translation>
    </message>
    <message>
      <source>列名</source>
      <translation>Column</translation>
    </message>
    <message>
      <source>填写的值</source>
      <translation>Value entered</translation>
    </message>
    <message>
      <source>拒收原因</source>
      <translation>Reason for rejection</translation>
    </message>
    <message>
      <source>导入学校填报表</source>
      <translation>Import school workbook</translation>
    </message>
    <message>
      <source>选择学校发回的 .xlsx 文件</source>
      <translation>Choose the .xlsx file the school sent back</translation>
    </message>
    <message>
      <source>选择文件…</source>
      <translation>Choose file…</translation>
    </message>
    <message>
      <source>重新读取</source>
      <translation>Read again</translation>
    </message>
    <message>
      <source>文件在 Excel 中改正并保存后，重新读取它</source>
      <translation>Read the file again after it was corrected and saved in Excel</translation>
    </message>
    <message>
      <source>文件：</source>
      <translation>File:</translation>
    </message>
    <message>
      <source>请选择文件。导入前先显示将新增、修改和删除的内容，确认后才写入。</source>
      <translation>Choose a file. Before anything is imported you see what would be added, changed and removed; nothing is written until you confirm.</translation>
    </message>
    <message>
      <source>汇总</source>
      <translation>Summary</translation>
    </message>
    <message>
      <source>拒收的单元格</source>
      <translation>Rejected cells</translation>
    </message>
    <message>
      <source>变更明细</source>
      <translation>Changes</translation>
    </message>
    <message>
      <source>保存标注的错误工作簿…</source>
      <translation>Save annotated workbook…</translation>
    </message>
    <message>
      <source>学校原文件的副本：每个有问题的单元格标红并附批注，首页列出全部问题，可直接发回学校</source>
      <translation>A copy of the school's file with every problem cell in red with a comment, and a first sheet listing all problems; send it straight back to the school</translation>
    </message>
    <message>
      <source>确认导入</source>
      <translation>Import</translation>
    </message>
    <message>
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <source>选择学校发回的填报表</source>
      <translation>Choose the workbook the school sent back</translation>
    </message>
    <message>
      <source>正在读取 {name}…</source>
      <translation>Reading {name}…</translation>
    </message>
    <message>
      <source>正在读取工作簿…</source>
      <translation>Reading the workbook…</translation>
    </message>
    <message>
      <source>拒收的单元格 ({n})</source>
      <translation>Rejected cells ({n})</translation>
    </message>
    <message>
      <source>变更明细 ({n})</source>
      <translation>Changes ({n})</translation>
    </message>
    <message>
      <source>（将新建 {year} 年度统计期）</source>
      <translation> (creates the {year} period)</translation>
    </message>
    <message>
      <source>✗ 发现 {n} 处问题，文件不能导入（数据库未改动）。请保存标注的错误工作簿发回学校，改正后重新读取。</source>
      <translation>✗ {n} problem(s) found: the file cannot be imported (the database is unchanged). Save the annotated workbook, send it back to the school, and read the corrected file again.</translation>
    </message>
    <message>
      <source>✓ 文件没有问题，与数据库中 {year} 年度的数据一致，无需导入。</source>
      <translation>✓ The file has no problems and matches the {year} data in the database: nothing to import.</translation>
    </message>
    <message>
      <source>✓ 文件没有问题。导入 {year} 年度将新增 {added} 条、修改 {changed} 条、删除 {removed} 条记录。</source>
      <translation>✓ The file has no problems. Importing it into {year} adds {added}, changes {changed} and removes {removed} records.</translation>
    </message>
    <message>
      <source>✓ 已导入 {name}（{year} 年度）。导入前的数据库已备份。</source>
      <translation>✓ Imported {name} ({year}). The database was backed up before the import.</translation>
    </message>
    <message>
      <source>导入 {name} 到 {year} 年度？导入前会自动备份数据库；工作表中出现的每所学校，其本年度的名单将以文件为准。</source>
      <translation>Import {name} into {year}? The database is backed up first. For every school that appears in a sheet, the file's rows replace that school's rows of the year.</translation>
    </message>
    <message>
      <source>退回-{name}</source>
      <translation>returned-{name}</translation>
    </message>
    <message>
      <source>保存标注的错误工作簿</source>
      <translation>Save annotated workbook</translation>
    </message>
    <message>
      <source>标注的错误工作簿</source>
      <translation>Annotated workbook</translation>
    </message>
    <message>
      <source>已保存 {path}
标出 {n} 个单元格。可把这个文件直接发回学校修改。</source>
      <translation>Saved {path}
{n} cell(s) marked. You can send this file straight back to the school for correction.</translation>
    </message>
    <message>
      <source>正在标注工作簿…</source>
      <translation>Annotating the workbook…</translation>
    </message>
    <message>
      <source>已取消导入，数据库未改动。</source>
      <translation>Import cancelled; the database is unchanged.</translation>
    </message>
    <message>
      <source>正在导入…</source>
      <translation>Importing…</translation>
    </message>
    <message>
      <source>导出正式上报包（签名）</source>
      <translation>Export signed package</translation>
    </message>
    <message>
      <source>正式上报包是本单位 {year} 年度的全部数据，用本单位的签名密钥签名。只有核验没有错误、所有警告都已填写说明时才能导出。</source>
      <translation>The signed package holds all of this unit's {year} data, signed with the unit's key. It can be exported only when the check finds no errors and every warning has an explanation.</translation>
    </message>
    <message>
      <source>正在读取…</source>
      <translation>Reading…</translation>
    </message>
    <message>
      <source>{unit}-{year}-上报包.xlsx</source>
      <translation>{unit}-{year}-package.xlsx</translation>
    </message>
    <message>
      <source>单位：</source>
      <translation>Unit:</translation>
    </message>
    <message>
      <source>签名密钥指纹：</source>
      <translation>Key fingerprint:</translation>
    </message>
    <message>
      <source>密钥口令：</source>
      <translation>Key passphrase:</translation>
    </message>
    <message>
      <source>转到核验页处理</source>
      <translation>Go to the checks</translation>
    </message>
    <message>
      <source>转到“签名密钥”页面</source>
      <translation>Go to Signing keys</translation>
    </message>
    <message>
      <source>签名并导出</source>
      <translation>Sign and export</translation>
    </message>
    <message>
      <source>尚未创建</source>
      <translation>Not created yet</translation>
    </message>
    <message>
      <source>本单位还没有签名密钥，不能导出正式上报包。请先在“签名密钥”页面创建。</source>
      <translation>This unit has no signing key yet, so no signed package can be exported. Create one on the Signing keys page first.</translation>
    </message>
    <message>
      <source>保存上报包</source>
      <translation>Save package</translation>
    </message>
    <message>
      <source>正在核验、签名并导出…</source>
      <translation>Checking, signing and exporting…</translation>
    </message>
    <message>
      <source>&lt;p style='font-size:15pt'&gt;✓ 已导出第 &lt;b&gt;{seq}&lt;/b&gt; 号上报包&lt;/p&gt;&lt;p&gt;文件：{path}&lt;br&gt;签名密钥指纹：{fp}&lt;br&gt;上报包标识（SHA-256）：{digest}&lt;/p&gt;&lt;p&gt;请把文件交市局；如需重新上报，再次导出会得到第 {next} 号，市局以最新一号为准。&lt;/p&gt;</source>
      <translation>&lt;p style='font-size:15pt'&gt;✓ Package no. &lt;b&gt;{seq}&lt;/b&gt; exported&lt;/p&gt;&lt;p&gt;File: {path}&lt;br&gt;Key fingerprint: {fp}&lt;br&gt;Package ID (SHA-256): {digest}&lt;/p&gt;&lt;p&gt;Send the file to the city bureau. If you need to resubmit, the next export is no. {next}; the city bureau uses the newest number.&lt;/p&gt;</translation>
    </message>
    <message>
      <source>完成</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>数据尚未通过核验，不能导出正式上报包：错误 {e} 条，未说明的警告 {w} 条。请修正错误、为警告填写说明后再导出。未写入任何文件。</source>
      <translation>The data has not passed the check, so the signed package cannot be exported: {e} error(s), {w} unexplained warning(s). Fix the errors and explain the warnings, then export again. No file was written.</translation>
    </message>
    <message>
      <source>错误 · {line}</source>
      <translation>Error · {line}</translation>
    </message>
    <message>
      <source>待说明 · {line}</source>
      <translation>To explain · {line}</translation>
    </message>
    <message>
      <source>核验上报包</source>
      <translation>Verify package</translation>
    </message>
    <message>
      <source>选择上报包…</source>
      <translation>Choose package…</translation>
    </message>
    <message>
      <source>核验只读取文件，不改动数据库。</source>
      <translation>Verification only reads the file; the database is not changed.</translation>
    </message>
    <message>
      <source>选择上报包</source>
      <translation>Choose package</translation>
    </message>
    <message>
      <source>正在核验…</source>
      <translation>Verifying…</translation>
    </message>
    <message>
      <source>单位：{unit}</source>
      <translation>Unit: {unit}</translation>
    </message>
    <message>
      <source>统计年度：{year}</source>
      <translation>Period: {year}</translation>
    </message>
    <message>
      <source>序号：{seq}</source>
      <translation>Number: {seq}</translation>
    </message>
    <message>
      <source>签名密钥指纹：{fp}</source>
      <translation>Key fingerprint: {fp}</translation>
    </message>
    <message>
      <source>有问题的工作表：{sheet}</source>
      <translation>Sheet with the problem: {sheet}</translation>
    </message>
    <message>
      <source>导入市局任务包</source>
      <translation>Import city task package</translation>
    </message>
    <message>
      <source>选择任务包…</source>
      <translation>Choose task package…</translation>
    </message>
    <message>
      <source>任务包由市局签名下发：先核验签名并预览变化，确认后才写入（导入前自动备份）。</source>
      <translation>Task packages are signed by the city bureau. The signature is verified and the changes previewed first; nothing is written until you confirm (the database is backed up before the import).</translation>
    </message>
    <message>
      <source>选择市局任务包</source>
      <translation>Choose the city's task package</translation>
    </message>
    <message>
      <source>正在核验任务包…</source>
      <translation>Verifying the task package…</translation>
    </message>
    <message>
      <source>正在导入任务包…</source>
      <translation>Importing the task package…</translation>
    </message>
    <message>
      <source>市局已接收 {year} 年度第 {seq} 号上报包。</source>
      <translation>The city bureau accepted package no. {seq} for {year}.</translation>
    </message>
    <message>
      <source>市局未接收 {year} 年度第 {seq} 号上报包。</source>
      <translation>The city bureau did not accept package no. {seq} for {year}.</translation>
    </message>
    <message>
      <source>原因：</source>
      <translation>Reasons:</translation>
    </message>
    <message>
      <source>{year} 年度已标记为“已上报”。</source>
      <translation>{year} is now marked as submitted.</translation>
    </message>
    <message>
      <source>请按原因修改后重新导出上报包（序号会加一）。</source>
      <translation>Correct what the reasons say and export the package again (it gets the next number).</translation>
    </message>
    <message>
      <source>选择市局回执</source>
      <translation>Choose the city's receipt</translation>
    </message>
    <message>
      <source>市局回执</source>
      <translation>City receipt</translation>
    </message>
    <message>
      <source>正在核验回执…</source>
      <translation>Verifying the receipt…</translation>
    </message>
    <message>
      <source>{unit}-{year}-草稿.xlsx</source>
      <translation>{unit}-{year}-draft.xlsx</translation>
    </message>
    <message>
      <source>导出全年数据（草稿）</source>
      <translation>Export period data (draft)</translation>
    </message>
    <message>
      <source>已导出 {path}
这是未签名的草稿，只供查看或留存；正式上报请导出签名上报包。</source>
      <translation>Exported {path}
This is an unsigned draft for reading or keeping; to report, export the signed package.</translation>
    </message>
    <message>
      <source>正在导出…</source>
      <translation>Exporting…</translation>
    </message>
  </context>
  <context>
    <name>GuideDialog</name>
    <message>
      <source>VetDesk 使用说明</source>
      <translation>VetDesk user guide</translation>
    </message>
  </context>
  <context>
    <name>Interaction</name>
    <message>
      <source>查找范围(&amp;L)：</source>
      <translation>Look &amp;in:</translation>
    </message>
    <message>
      <source>文件类型(&amp;T)：</source>
      <translation>Files of &amp;type:</translation>
    </message>
    <message>
      <source>发生了意外错误：{err}
详细信息已写入日志文件 {log}，请把它发给技术支持人员。</source>
      <translation>An unexpected error occurred: {err}
The details were written to the log file {log}; please send it to your support staff.</translation>
    </message>
    <message>
      <source>VetDesk</source>
      <translation>VetDesk</translation>
    </message>
  </context>
  <context>
    <name>Keys</name>
    <message>
      <source>有效</source>
      <translation>Active</translation>
    </message>
    <message>
      <source>已停用（已更换）</source>
      <translation>Retired (replaced)</translation>
    </message>
    <message>
      <source>已吊销</source>
      <translation>Revoked</translation>
    </message>
    <message>
      <source>签名密钥登记表-{unit}.pdf</source>
      <translation>key-enrolment-form-{unit}.pdf</translation>
    </message>
    <message>
      <source>保存登记表</source>
      <translation>Save enrolment form</translation>
    </message>
    <message>
      <source>登记表</source>
      <translation>Enrolment form</translation>
    </message>
    <message>
      <source>已保存签名密钥登记表：
{path}
请打印后由经办人签字、加盖单位公章，交对方核对。</source>
      <translation>Key enrolment form saved:
{path}
Print it, have it signed by the person responsible and stamped with the unit's seal, and give it to the other unit for checking.</translation>
    </message>
    <message>
      <source>正在生成登记表…</source>
      <translation>Preparing the enrolment form…</translation>
    </message>
    <message>
      <source>打印登记表</source>
      <translation>Print enrolment form</translation>
    </message>
    <message>
      <source>打印</source>
      <translation>Print</translation>
    </message>
    <message>
      <source>无法打印登记表，请先保存为 PDF 再打印。</source>
      <translation>The enrolment form could not be printed. Save it as a PDF and print that.</translation>
    </message>
    <message>
      <source>正在准备打印…</source>
      <translation>Preparing to print…</translation>
    </message>
    <message>
      <source>签名密钥登记表.pdf</source>
      <translation>key-enrolment-form.pdf</translation>
    </message>
    <message>
      <source>本机没有安装打印机。登记表将保存为 PDF 并用系统的阅读器打开，可从那里打印。</source>
      <translation>No printer is installed on this computer. The enrolment form will be saved as a PDF and opened in the system viewer, from which it can be printed.</translation>
    </message>
    <message>
      <source>更换签名密钥</source>
      <translation>Replace signing key</translation>
    </message>
    <message>
      <source>创建签名密钥</source>
      <translation>Create signing key</translation>
    </message>
    <message>
      <source>更换后旧密钥停用。请把新的公钥文件和新的登记表交对方重新登记，否则对方将无法核验本单位以后的上报包。</source>
      <translation>The old key is retired. Give the new public key file and a new enrolment form to the other unit to register; otherwise it cannot verify this unit's future packages.</translation>
    </message>
    <message>
      <source>签名密钥用于给本单位导出的正式上报包签名。口令保护本机上的密钥文件，每次导出上报包时都要输入；请牢记，口令遗失后只能更换密钥。</source>
      <translation>The signing key signs the packages this unit exports. The passphrase protects the key file on this computer and is asked for at every export; remember it: a lost passphrase means replacing the key.</translation>
    </message>
    <message>
      <source>更换密钥</source>
      <translation>Replace key</translation>
    </message>
    <message>
      <source>创建密钥</source>
      <translation>Create key</translation>
    </message>
    <message>
      <source>口令：</source>
      <translation>Passphrase:</translation>
    </message>
    <message>
      <source>正在生成密钥…</source>
      <translation>Creating the key…</translation>
    </message>
    <message>
      <source>登记对方公钥</source>
      <translation>Register a public key</translation>
    </message>
    <message>
      <source>选择对方发来的公钥文件，再把对方签字盖章的登记表上的指纹逐位输入下面的框中。两者完全一致才会登记；不一致说明文件有误或被替换，请电话联系对方。</source>
      <translation>Choose the public key file the other unit sent, then type the fingerprint from its signed and stamped enrolment form into the box below. The key is registered only if both are identical; a difference means the file is wrong or was replaced: telephone the other unit.</translation>
    </message>
    <message>
      <source>选择公钥文件…</source>
      <translation>Choose key file…</translation>
    </message>
    <message>
      <source>按登记表输入 40 位数字，空格可有可无</source>
      <translation>Type the 40 digits from the form; spaces are optional</translation>
    </message>
    <message>
      <source>核对并登记</source>
      <translation>Check and register</translation>
    </message>
    <message>
      <source>对方单位：</source>
      <translation>Unit:</translation>
    </message>
    <message>
      <source>公钥文件：</source>
      <translation>Key file:</translation>
    </message>
    <message>
      <source>文件中公钥的指纹：</source>
      <translation>Fingerprint of the key in the file:</translation>
    </message>
    <message>
      <source>登记表上的指纹：</source>
      <translation>Fingerprint on the form:</translation>
    </message>
    <message>
      <source>选择对方的公钥文件</source>
      <translation>Choose the other unit's public key file</translation>
    </message>
    <message>
      <source>公钥文件 ({patterns});;所有文件 (*)</source>
      <translation>Public key files ({patterns});;All files (*)</translation>
    </message>
    <message>
      <source>无法读取公钥文件 {name}：{err}</source>
      <translation>Cannot read the public key file {name}: {err}</translation>
    </message>
    <message>
      <source>密钥编号 {key}</source>
      <translation>Key ID {key}</translation>
    </message>
    <message>
      <source>，标注 {comment}</source>
      <translation>, labelled {comment}</translation>
    </message>
    <message>
      <source>指纹不一致，公钥未登记。登记表上的指纹与文件中公钥的指纹不同：文件可能不是对方的，或在传送中被替换。请电话联系对方核实。</source>
      <translation>The fingerprints differ: the key was not registered. The fingerprint on the form is not that of the key in the file, so the file may not come from the other unit or may have been replaced on the way. Telephone the other unit to check.</translation>
    </message>
    <message>
      <source>已登记{unit}的公钥（密钥编号 {key}）。</source>
      <translation>Registered the public key of {unit} (key ID {key}).</translation>
    </message>
    <message>
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <source>单位代码</source>
      <translation>Unit code</translation>
    </message>
    <message>
      <source>密钥编号</source>
      <translation>Key ID</translation>
    </message>
    <message>
      <source>指纹</source>
      <translation>Fingerprint</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>登记时间</source>
      <translation>Registered</translation>
    </message>
    <message>
      <source>登记对方公钥…</source>
      <translation>Register a public key…</translation>
    </message>
    <message>
      <source>吊销所选公钥…</source>
      <translation>Revoke selected key…</translation>
    </message>
    <message>
      <source>尚未登记公钥的单位：{units}。登记后才能核验对方发来的数据包。</source>
      <translation>No public key registered yet for: {units}. Their packages can be verified only after registration.</translation>
    </message>
    <message>
      <source>已登记全部对方单位（{units}）的有效公钥。</source>
      <translation>Active public keys are registered for every other unit ({units}).</translation>
    </message>
    <message>
      <source>吊销{unit}的公钥 {key}？吊销后，用该密钥签名的数据包将被拒收，且不能恢复。</source>
      <translation>Revoke the public key {key} of {unit}? Packages signed with it will be refused from now on; this cannot be undone.</translation>
    </message>
    <message>
      <source>吊销公钥</source>
      <translation>Revoke public key</translation>
    </message>
    <message>
      <source>本单位签名密钥</source>
      <translation>This unit's signing key</translation>
    </message>
    <message>
      <source>创建签名密钥…</source>
      <translation>Create signing key…</translation>
    </message>
    <message>
      <source>导出公钥文件…</source>
      <translation>Export public key file…</translation>
    </message>
    <message>
      <source>保存登记表 PDF…</source>
      <translation>Save enrolment form as PDF…</translation>
    </message>
    <message>
      <source>打印登记表…</source>
      <translation>Print enrolment form…</translation>
    </message>
    <message>
      <source>指纹（对方登记本单位公钥时逐位核对）：</source>
      <translation>Fingerprint (the other unit checks it digit by digit when registering our key):</translation>
    </message>
    <message>
      <source>已登记的对方公钥</source>
      <translation>Registered public keys of other units</translation>
    </message>
    <message>
      <source>尚未创建</source>
      <translation>Not created yet</translation>
    </message>
    <message>
      <source>本单位还没有签名密钥。导出正式上报包前，请先创建密钥，并把公钥文件和签字盖章的登记表交给对方登记。</source>
      <translation>This unit has no signing key yet. Before exporting a signed package, create one and give the public key file and the signed, stamped enrolment form to the other unit to register.</translation>
    </message>
    <message>
      <source>密钥编号 {key} · 创建于 {created}
私钥文件（只在本机，不要复制给他人）：{path}</source>
      <translation>Key ID {key} · created {created}
Private key file (stays on this computer; never copy it to anyone): {path}</translation>
    </message>
    <message>
      <source>更换签名密钥…</source>
      <translation>Replace signing key…</translation>
    </message>
    <message>
      <source>导出公钥文件</source>
      <translation>Export public key file</translation>
    </message>
    <message>
      <source>公钥文件 (*.pub)</source>
      <translation>Public key files (*.pub)</translation>
    </message>
    <message>
      <source>已导出公钥文件：
{path}
指纹 {fp}
请把此文件连同签字盖章的登记表一起交给对方。</source>
      <translation>Public key file exported:
{path}
Fingerprint {fp}
Give this file to the other unit together with the signed and stamped enrolment form.</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>只读：数据库已损坏</source>
      <translation>Read-only: database damaged</translation>
    </message>
    <message>
      <source>新建数据库(&amp;N)…</source>
      <translation>&amp;New database…</translation>
    </message>
    <message>
      <source>打开数据库(&amp;O)…</source>
      <translation>&amp;Open database…</translation>
    </message>
    <message>
      <source>新建统计期(&amp;P)…</source>
      <translation>New &amp;period…</translation>
    </message>
    <message>
      <source>锁定本年度(&amp;L)…</source>
      <translation>&amp;Lock this period…</translation>
    </message>
    <message>
      <source>重新打开本年度(&amp;R)…</source>
      <translation>&amp;Reopen this period…</translation>
    </message>
    <message>
      <source>设置(&amp;S)…</source>
      <translation>&amp;Settings…</translation>
    </message>
    <message>
      <source>退出(&amp;X)</source>
      <translation>E&amp;xit</translation>
    </message>
    <message>
      <source>撤销</source>
      <translation>Undo</translation>
    </message>
    <message>
      <source>重做</source>
      <translation>Redo</translation>
    </message>
    <message>
      <source>新增记录(&amp;A)…</source>
      <translation>&amp;Add record…</translation>
    </message>
    <message>
      <source>从 Excel/WPS 粘贴行(&amp;P)…</source>
      <translation>Paste rows from Excel/WPS (&amp;P)…</translation>
    </message>
    <message>
      <source>查找(&amp;F)</source>
      <translation>&amp;Find</translation>
    </message>
    <message>
      <source>重新核验(&amp;C)</source>
      <translation>Re-&amp;check</translation>
    </message>
    <message>
      <source>生成报告(&amp;R)…</source>
      <translation>Write &amp;report…</translation>
    </message>
    <message>
      <source>导出学校填报模板(&amp;T)…</source>
      <translation>Export school &amp;template…</translation>
    </message>
    <message>
      <source>导入学校填报表(&amp;I)…</source>
      <translation>&amp;Import school workbook…</translation>
    </message>
    <message>
      <source>导出全年数据（草稿，不签名）…</source>
      <translation>Export period data (unsigned draft)…</translation>
    </message>
    <message>
      <source>导出正式上报包（签名）(&amp;P)…</source>
      <translation>Export signed &amp;package…</translation>
    </message>
    <message>
      <source>导入市局任务包…</source>
      <translation>Import city task package…</translation>
    </message>
    <message>
      <source>导入市局回执…</source>
      <translation>Import city receipt…</translation>
    </message>
    <message>
      <source>核验上报包(&amp;V)…</source>
      <translation>&amp;Verify package…</translation>
    </message>
    <message>
      <source>签名密钥与公钥登记…</source>
      <translation>Signing keys and registered keys…</translation>
    </message>
    <message>
      <source>上报包收件箱（核验、合并、回执）…</source>
      <translation>Package inbox (verify, merge, receipts)…</translation>
    </message>
    <message>
      <source>上报情况</source>
      <translation>Submissions</translation>
    </message>
    <message>
      <source>合并工作簿…</source>
      <translation>City workbook…</translation>
    </message>
    <message>
      <source>下发任务包（签名）…</source>
      <translation>Issue task package (signed)…</translation>
    </message>
    <message>
      <source>使用说明(&amp;H)</source>
      <translation>User &amp;guide</translation>
    </message>
    <message>
      <source>关于 VetDesk(&amp;A)</source>
      <translation>&amp;About VetDesk</translation>
    </message>
    <message>
      <source>学校</source>
      <translation>Schools</translation>
    </message>
    <message>
      <source>办学条件</source>
      <translation>School conditions</translation>
    </message>
    <message>
      <source>教师</source>
      <translation>Teachers</translation>
    </message>
    <message>
      <source>培训项目</source>
      <translation>Training programmes</translation>
    </message>
    <message>
      <source>核验</source>
      <translation>Checks</translation>
    </message>
    <message>
      <source>达标情况</source>
      <translation>Compliance</translation>
    </message>
    <message>
      <source>签名密钥</source>
      <translation>Signing keys</translation>
    </message>
    <message>
      <source>备份与恢复</source>
      <translation>Backups</translation>
    </message>
    <message>
      <source>审计日志</source>
      <translation>Audit log</translation>
    </message>
    <message>
      <source>目标任务</source>
      <translation>Targets</translation>
    </message>
    <message>
      <source>专业与合作</source>
      <translation>Majors and partners</translation>
    </message>
    <message>
      <source>图表</source>
      <translation>Charts</translation>
    </message>
    <message>
      <source>上报包收件箱</source>
      <translation>Package inbox</translation>
    </message>
    <message>
      <source>已合并 {file}，正在重新核验…</source>
      <translation>Merged {file}; checking again…</translation>
    </message>
    <message>
      <source>文件(&amp;F)</source>
      <translation>&amp;File</translation>
    </message>
    <message>
      <source>编辑(&amp;E)</source>
      <translation>&amp;Edit</translation>
    </message>
    <message>
      <source>数据(&amp;D)</source>
      <translation>&amp;Data</translation>
    </message>
    <message>
      <source>交换(&amp;X)</source>
      <translation>E&amp;xchange</translation>
    </message>
    <message>
      <source>查看(&amp;V)</source>
      <translation>&amp;View</translation>
    </message>
    <message>
      <source>帮助(&amp;H)</source>
      <translation>&amp;Help</translation>
    </message>
    <message>
      <source>工具栏</source>
      <translation>Toolbar</translation>
    </message>
    <message>
      <source>统计期(&amp;Y)：</source>
      <translation>Perio&amp;d:</translation>
    </message>
    <message>
      <source>VetDesk 职教数据台 — {unit}（{file}）</source>
      <translation>VetDesk — {unit} ({file})</translation>
    </message>
    <message>
      <source>【只读】</source>
      <translation> [read-only]</translation>
    </message>
    <message>
      <source>正在读取数据…</source>
      <translation>Reading data…</translation>
    </message>
    <message>
      <source>{year} 年度</source>
      <translation>{year}</translation>
    </message>
    <message>
      <source>还没有统计期。先新建本年度的统计期，再登记学校、填报数据。</source>
      <translation>There is no reporting period yet. Add this year's period first, then register the schools and enter the data.</translation>
    </message>
    <message>
      <source>新建统计期…</source>
      <translation>Add a period…</translation>
    </message>
    <message>
      <source>学校名录为空。请新增本县区的学校，或导入市局的任务包（交换 → 导入任务包）。</source>
      <translation>The school registry is empty. Add your county's schools, or import the city bureau's task package (Exchange → Import task package).</translation>
    </message>
    <message>
      <source>新增学校…</source>
      <translation>Add a school…</translation>
    </message>
    <message>
      <source>确认</source>
      <translation>Confirm</translation>
    </message>
    <message>
      <source>打开数据库</source>
      <translation>Open database</translation>
    </message>
    <message>
      <source>VetDesk 数据库 (*.db)</source>
      <translation>VetDesk databases (*.db)</translation>
    </message>
    <message>
      <source>新建统计期</source>
      <translation>New period</translation>
    </message>
    <message>
      <source>统计年度：</source>
      <translation>Statistics year:</translation>
    </message>
    <message>
      <source>锁定本年度</source>
      <translation>Lock this period</translation>
    </message>
    <message>
      <source>锁定 {year} 年度后，不再合并该年度的上报包，任何数据都不能写入。确定锁定吗？</source>
      <translation>Once period {year} is locked, no package for it is merged and no data can be written into it. Lock it?</translation>
    </message>
    <message>
      <source>重新打开本年度</source>
      <translation>Reopen this period</translation>
    </message>
    <message>
      <source>重新打开 {year} 年度以修改数据吗？改完后需要重新上报。</source>
      <translation>Reopen period {year} to change its data? You will need to report again afterwards.</translation>
    </message>
    <message>
      <source>已导入 {file}，正在重新核验…</source>
      <translation>Imported {file}; checking again…</translation>
    </message>
    <message>
      <source>正在恢复备份…</source>
      <translation>Restoring the backup…</translation>
    </message>
    <message>
      <source>已用 {time} 的备份恢复数据库。</source>
      <translation>The database was restored from the backup of {time}.</translation>
    </message>
    <message>
      <source>恢复前的状态已另存为备份 {name}。</source>
      <translation>The state before the restore was saved as backup {name}.</translation>
    </message>
    <message>
      <source>恢复备份</source>
      <translation>Restore backup</translation>
    </message>
    <message>
      <source>数据库损坏严重，无法以只读方式打开：{err}
请从备份恢复。</source>
      <translation>The database is too badly damaged to open read-only: {err}
Please restore a backup.</translation>
    </message>
    <message>
      <source>数据库已损坏</source>
      <translation>Database damaged</translation>
    </message>
    <message>
      <source>尚无统计期：请用“文件 → 新建统计期”创建</source>
      <translation>No period yet: create one with File → New period</translation>
    </message>
    <message>
      <source>已收到 {n}/{total} 个县区的上报包</source>
      <translation>packages received from {n}/{total} counties</translation>
    </message>
    <message>
      <source>{year} 年度 · {state} · 统计时点 {date}</source>
      <translation>{year} · {state} · statistics date {date}</translation>
    </message>
    <message>
      <source>错误 {n} 条</source>
      <translation>{n} errors</translation>
    </message>
    <message>
      <source>待说明警告 {n} 条</source>
      <translation>{n} unexplained warnings</translation>
    </message>
  </context>
  <context>
    <name>OpenWith</name>
    <message>
      <source>当前不能执行这一步。</source>
      <translation>This step is not available now.</translation>
    </message>
    <message>
      <source>{step}
导入后，回执所说的结果会记入本单位的上报记录。继续吗？</source>
      <translation>{step}
Once imported, the receipt's answer is recorded in this office's submission history. Continue?</translation>
    </message>
    <message>
      <source>市局回执</source>
      <translation>City receipt</translation>
    </message>
  </context>
  <context>
    <name>PageBase</name>
    <message>
      <source>至少 {n} 个字符，可用中文、字母、数字</source>
      <translation>At least {n} characters: Chinese, letters or digits</translation>
    </message>
    <message>
      <source>再次输入口令</source>
      <translation>Type the passphrase again</translation>
    </message>
    <message>
      <source>请输入口令。</source>
      <translation>Please enter a passphrase.</translation>
    </message>
    <message>
      <source>口令至少需要 {n} 个字符。</source>
      <translation>The passphrase needs at least {n} characters.</translation>
    </message>
    <message>
      <source>两次输入的口令不一致。</source>
      <translation>The two passphrases differ.</translation>
    </message>
    <message>
      <source>浏览…</source>
      <translation>Browse…</translation>
    </message>
  </context>
  <context>
    <name>Paste</name>
    <message>
      <source>粘贴行到“{sheet}” — 预览</source>
      <translation>Paste rows into “{sheet}” — preview</translation>
    </message>
    <message>
      <source>重新粘贴(&amp;R)</source>
      <translation>Paste again (&amp;R)</translation>
    </message>
    <message>
      <source>在 Excel 或 WPS 中改正并重新复制后，再读一次剪贴板</source>
      <translation>Read the clipboard again after correcting and copying again in Excel or WPS</translation>
    </message>
    <message>
      <source>确认粘贴</source>
      <translation>Write pasted rows</translation>
    </message>
    <message>
      <source>✗ 发现 {n} 处问题，不能粘贴（数据库未改动）。请在 Excel 或 WPS 中按“拒收的单元格”改正，重新复制后点“重新粘贴”。</source>
      <translation>✗ {n} problem(s) found; the rows cannot be pasted (the database is unchanged). Correct them in Excel or WPS as listed under “Refused cells”, copy again and click “Paste again”.</translation>
    </message>
    <message>
      <source>✓ 粘贴的行没有问题，与 {year} 年度的数据一致，无需写入。</source>
      <translation>✓ The pasted rows are fine and already match the {year} data; nothing to write.</translation>
    </message>
    <message>
      <source>✓ 粘贴的行没有问题。写入 {year} 年度将新增 {added} 条、修改 {changed} 条记录（粘贴只新增和修改，不删除记录）。</source>
      <translation>✓ The pasted rows are fine. Writing them to {year} adds {added} and changes {changed} record(s) (pasting only adds and changes; it never removes records).</translation>
    </message>
    <message>
      <source>✓ 粘贴的行已写入 {year} 年度。写入前的数据库已备份。</source>
      <translation>✓ The pasted rows were written to {year}. The database was backed up first.</translation>
    </message>
    <message>
      <source>把粘贴的 {n} 行写入“{sheet}”（{year} 年度）？只新增和修改记录，不删除任何记录；写入前会自动备份数据库。</source>
      <translation>Write the {n} pasted row(s) into “{sheet}” ({year})? Records are only added or changed, none is removed; the database is backed up first.</translation>
    </message>
    <message>
      <source>正在读取粘贴的内容…</source>
      <translation>Reading the pasted rows…</translation>
    </message>
    <message>
      <source>按粘贴内容中的表头识别各列。</source>
      <translation>Columns recognised by the header row in the pasted rows.</translation>
    </message>
    <message>
      <source>粘贴的内容没有表头，按“{sheet}”模板的列顺序（{columns}……）从第一列起读取；行号是粘贴内容中的第几行。如列的顺序不同，请连同表头行一起复制。</source>
      <translation>The pasted rows have no header: they are read in the column order of the “{sheet}” template ({columns}…) from the first column; row numbers count the pasted rows. If your columns are in another order, copy the header row too.</translation>
    </message>
  </context>
  <context>
    <name>PracticeEditor</name>
    <message>
      <source>企业名称</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <source>开始日期</source>
      <translation>Start date</translation>
    </message>
    <message>
      <source>结束日期</source>
      <translation>End date</translation>
    </message>
    <message>
      <source>日期按 2025-07-01 的格式填写；双击单元格修改</source>
      <translation>Write dates as 2025-07-01; double-click a cell to change it</translation>
    </message>
    <message>
      <source>添加实践记录</source>
      <translation>Add practice</translation>
    </message>
    <message>
      <source>删除所选</source>
      <translation>Remove selected</translation>
    </message>
  </context>
  <context>
    <name>PreferencesDialog</name>
    <message>
      <source>设置</source>
      <translation>Settings</translation>
    </message>
    <message>
      <source>界面语言(&amp;L)：</source>
      <translation>Interface &amp;language:</translation>
    </message>
  </context>
  <context>
    <name>RecordForm</name>
    <message>
      <source>学校</source>
      <translation>School</translation>
    </message>
    <message>
      <source>（未填）</source>
      <translation>(not filled in)</translation>
    </message>
    <message>
      <source>有</source>
      <translation>Yes</translation>
    </message>
    <message>
      <source>无</source>
      <translation>No</translation>
    </message>
    <message>
      <source>还需填写：{fields}</source>
      <translation>Still to fill in: {fields}</translation>
    </message>
    <message>
      <source>错误：</source>
      <translation>Error: </translation>
    </message>
    <message>
      <source>提醒：</source>
      <translation>Note: </translation>
    </message>
  </context>
  <context>
    <name>RecordPage</name>
    <message>
      <source>搜索姓名、身份证号或学校…</source>
      <translation>Search name, ID number or school…</translation>
    </message>
    <message>
      <source>搜索名称、代码或学校…</source>
      <translation>Search name, code or school…</translation>
    </message>
    <message>
      <source>新增(&amp;N)…</source>
      <translation>&amp;New…</translation>
    </message>
    <message>
      <source>修改(&amp;E)…</source>
      <translation>&amp;Edit…</translation>
    </message>
    <message>
      <source>删除</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>粘贴行(&amp;V)…</source>
      <translation>Paste rows (&amp;V)…</translation>
    </message>
    <message>
      <source>在 Excel 或 WPS 中选中行并复制，再点这里（或在表格中按 Ctrl+V）：先预览、检查，确认后新增或修改记录，不删除记录</source>
      <translation>Select and copy rows in Excel or WPS, then click here (or press Ctrl+V in the table): the rows are previewed and checked, then added or changed after you confirm; no record is removed</translation>
    </message>
    <message>
      <source>填写/修改(&amp;E)…</source>
      <translation>&amp;Fill in / edit…</translation>
    </message>
    <message>
      <source>清空</source>
      <translation>Clear</translation>
    </message>
    <message>
      <source>查找(&amp;F)：</source>
      <translation>&amp;Find:</translation>
    </message>
    <message>
      <source>学校：</source>
      <translation>School:</translation>
    </message>
    <message>
      <source>全部学校</source>
      <translation>All schools</translation>
    </message>
    <message numerus="yes">
      <source>共 %n 条</source>
      <translation>
        <numerusform>%n row</numerusform>
        <numerusform>%n rows</numerusform>
      </translation>
    </message>
    <message>
      <source>显示 {shown} / 共 {total} 条</source>
      <translation>Showing {shown} of {total}</translation>
    </message>
  </context>
  <context>
    <name>Screenshots</name>
    <message>
      <source>示例：database disk image is malformed</source>
      <translation>Example: database disk image is malformed</translation>
    </message>
    <message>
      <source>示例教师</source>
      <translation>Sample Teacher</translation>
    </message>
    <message>
      <source>示例教师二</source>
      <translation>Second Sample Teacher</translation>
    </message>
  </context>
  <context>
    <name>SetupWizard</name>
    <message>
      <source>欢迎使用 VetDesk 职教数据台</source>
      <translation>Welcome to VetDesk</translation>
    </message>
    <message>
      <source>请选择本机的使用单位。以后可以新建或打开其他数据库。</source>
      <translation>Choose who uses this computer. You can create or open other databases later.</translation>
    </message>
    <message>
      <source>县区教育局（填报本县区学校数据）</source>
      <translation>County education office (enters its schools' data)</translation>
    </message>
    <message>
      <source>市教育局（核验、汇总各县区数据）</source>
      <translation>City education bureau (checks and merges the counties' data)</translation>
    </message>
    <message>
      <source>县区(&amp;U)：</source>
      <translation>Co&amp;unty:</translation>
    </message>
    <message>
      <source>操作员与数据文件</source>
      <translation>Operator and data file</translation>
    </message>
    <message>
      <source>操作员姓名会记入每一条修改记录（审计日志）。</source>
      <translation>The operator's name is recorded with every change (audit log).</translation>
    </message>
    <message>
      <source>如：张老师</source>
      <translation>e.g. Teacher Zhang</translation>
    </message>
    <message>
      <source>浏览…</source>
      <translation>Browse…</translation>
    </message>
    <message>
      <source>操作员姓名(&amp;O)：</source>
      <translation>&amp;Operator name:</translation>
    </message>
    <message>
      <source>首个统计年度(&amp;Y)：</source>
      <translation>First statistics &amp;year:</translation>
    </message>
    <message>
      <source>数据库文件：</source>
      <translation>Database file:</translation>
    </message>
    <message>
      <source>数据库文件</source>
      <translation>Database file</translation>
    </message>
    <message>
      <source>VetDesk 数据库 (*.db)</source>
      <translation>VetDesk databases (*.db)</translation>
    </message>
    <message>
      <source>签名密钥</source>
      <translation>Signing key</translation>
    </message>
    <message>
      <source>本单位导出的正式数据包用签名密钥签名，对方凭登记过的公钥核验来源和完整性。</source>
      <translation>Packages this unit exports are signed with its signing key; the other unit checks their origin and integrity with the public key it registered.</translation>
    </message>
    <message>
      <source>请设置保护密钥的口令。每次导出签名数据包都要输入该口令；口令遗失后只能更换密钥，并重新向对方登记。</source>
      <translation>Choose a passphrase to protect the key. It is asked for at every signed export; a lost passphrase means replacing the key and registering it with the other unit again.</translation>
    </message>
    <message>
      <source>暂不创建签名密钥（以后可在“签名密钥”页面创建）</source>
      <translation>Do not create a signing key now (it can be created later on the Signing keys page)</translation>
    </message>
    <message>
      <source>口令：</source>
      <translation>Passphrase:</translation>
    </message>
    <message>
      <source>创建数据库</source>
      <translation>Create database</translation>
    </message>
    <message>
      <source>正在创建数据库和签名密钥…</source>
      <translation>Creating the database and the signing key…</translation>
    </message>
    <message>
      <source>正在创建数据库…</source>
      <translation>Creating the database…</translation>
    </message>
    <message>
      <source>签名密钥登记表</source>
      <translation>Key enrolment form</translation>
    </message>
    <message>
      <source>对方登记本单位的公钥时，要与签字盖章的登记表逐位核对指纹。</source>
      <translation>When the other unit registers our public key, it checks the fingerprint digit by digit against the signed and stamped enrolment form.</translation>
    </message>
    <message>
      <source>保存登记表 PDF…</source>
      <translation>Save enrolment form as PDF…</translation>
    </message>
    <message>
      <source>打印登记表…</source>
      <translation>Print enrolment form…</translation>
    </message>
    <message>
      <source>本单位签名密钥的指纹：</source>
      <translation>Fingerprint of this unit's signing key:</translation>
    </message>
    <message>
      <source>未创建</source>
      <translation>Not created</translation>
    </message>
    <message>
      <source>数据库已创建，签名密钥稍后在“签名密钥”页面创建，届时再打印登记表。</source>
      <translation>The database has been created. Create the signing key later on the Signing keys page, and print the enrolment form then.</translation>
    </message>
    <message>
      <source>数据库和签名密钥已创建。请保存或打印登记表，由经办人签字、加盖单位公章后，连同公钥文件（“签名密钥”页面可导出）交给对方。</source>
      <translation>The database and the signing key have been created. Save or print the enrolment form, have it signed and stamped with the unit's seal, and give it to the other unit together with the public key file (exported from the Signing keys page).</translation>
    </message>
    <message>
      <source>登记各县区的公钥（可选）</source>
      <translation>Register the counties' public keys (optional)</translation>
    </message>
    <message>
      <source>市局凭各县区的公钥核验上报包。收到县区的公钥文件和签字盖章的登记表后，在这里登记；也可以以后在“签名密钥”页面登记。</source>
      <translation>The city bureau verifies the counties' packages with their public keys. Register a county's key here once you have its key file and its signed and stamped enrolment form, or later on the Signing keys page.</translation>
    </message>
    <message>
      <source>登记市局的公钥（可选）</source>
      <translation>Register the city bureau's public key (optional)</translation>
    </message>
    <message>
      <source>县区凭市局的公钥核验市局下发的任务包和回执。收到市局的公钥文件和签字盖章的登记表后，在这里登记；也可以以后在“签名密钥”页面登记。</source>
      <translation>The county verifies the city bureau's task packages and receipts with its public key. Register it here once you have the city's key file and its signed and stamped enrolment form, or later on the Signing keys page.</translation>
    </message>
    <message>
      <source>市局任务包（可选）</source>
      <translation>City task package (optional)</translation>
    </message>
    <message>
      <source>任务包由市局签名下发，含统计期、本县区学校名录和标准规则集。</source>
      <translation>A task package is signed and issued by the city bureau; it holds the period, the county's school registry and the rule set.</translation>
    </message>
    <message>
      <source>如果已收到市局的任务包，可以现在导入（需先登记市局的公钥）；也可以直接按“完成”，以后从“交换”菜单导入。</source>
      <translation>If you have received the city's task package, import it now (the city's public key must be registered first), or press Finish and import it later from the Exchange menu.</translation>
    </message>
    <message>
      <source>导入任务包…</source>
      <translation>Import task package…</translation>
    </message>
    <message>
      <source>选择市局任务包</source>
      <translation>Choose the city's task package</translation>
    </message>
    <message>
      <source>任务包 (*.xlsx)</source>
      <translation>Task packages (*.xlsx)</translation>
    </message>
    <message>
      <source>正在导入任务包…</source>
      <translation>Importing the task package…</translation>
    </message>
    <message>
      <source>VetDesk 初始设置</source>
      <translation>VetDesk set-up</translation>
    </message>
  </context>
  <context>
    <name>TableModels</name>
    <message>
      <source>有</source>
      <translation>Yes</translation>
    </message>
    <message>
      <source>无</source>
      <translation>No</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>在用</source>
      <translation>Active</translation>
    </message>
    <message>
      <source>停用</source>
      <translation>Inactive</translation>
    </message>
    <message>
      <source>企业实践（段）</source>
      <translation>Enterprise practice (stretches)</translation>
    </message>
  </context>
  <context>
    <name>Targets</name>
    <message>
      <source>已完成</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>按期推进</source>
      <translation>On track</translation>
    </message>
    <message>
      <source>滞后</source>
      <translation>Behind</translation>
    </message>
    <message>
      <source>未完成（文件未定期限）</source>
      <translation>Not met (no deadline in the policy)</translation>
    </message>
    <message>
      <source>本年未达到</source>
      <translation>Not met this year</translation>
    </message>
    <message>
      <source>本县贡献</source>
      <translation>County's contribution</translation>
    </message>
    <message>
      <source>由市局填报</source>
      <translation>Entered by the city</translation>
    </message>
    <message>
      <source>措施</source>
      <translation>Article</translation>
    </message>
    <message>
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <source>目标</source>
      <translation>Target</translation>
    </message>
    <message>
      <source>当前值</source>
      <translation>Value</translation>
    </message>
    <message>
      <source>另一读法</source>
      <translation>Other reading</translation>
    </message>
    <message>
      <source>状态</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>期限</source>
      <translation>Deadline</translation>
    </message>
    <message>
      <source>来源</source>
      <translation>Source</translation>
    </message>
    <message>
      <source>手工填报</source>
      <translation>Entered</translation>
    </message>
    <message>
      <source>数据计算</source>
      <translation>Computed</translation>
    </message>
    <message>
      <source>牵头单位</source>
      <translation>Lead units</translation>
    </message>
    <message>
      <source>责任单位</source>
      <translation>Responsible units</translation>
    </message>
    <message>
      <source>佐证材料</source>
      <translation>Evidence</translation>
    </message>
    <message>
      <source>共 {n} 项。县区数据库显示本县对全市目标的贡献（本县贡献），是否完成由市局按全市数据判定；手工填报的目标由市局填报。</source>
      <translation>{n} targets. A county database shows the county's contribution to the city-wide targets; whether a target is met is judged by the city on the whole city's data, and the hand-entered targets are entered by the city.</translation>
    </message>
    <message>
      <source>{status} {n} 项</source>
      <translation>{status}: {n}</translation>
    </message>
    <message>
      <source>共 {n} 项：{parts}</source>
      <translation>{n} targets: {parts}</translation>
    </message>
    <message>
      <source>填报进度（手工填报的目标）</source>
      <translation>Enter progress (targets entered by hand)</translation>
    </message>
    <message>
      <source>文件名称、文号或说明，例如：海东市教育局〔2025〕12号</source>
      <translation>Document title, number or note, e.g. 海东市教育局〔2025〕12号</translation>
    </message>
    <message>
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <source>目标：</source>
      <translation>Target:</translation>
    </message>
    <message>
      <source>数值：</source>
      <translation>Value:</translation>
    </message>
    <message>
      <source>佐证材料：</source>
      <translation>Evidence:</translation>
    </message>
    <message>
      <source>尚无统计期。</source>
      <translation>No period yet.</translation>
    </message>
    <message>
      <source>{title}（{year} 年度）</source>
      <translation>{title} ({year})</translation>
    </message>
    <message>
      <source>选择一项目标。</source>
      <translation>Select a target.</translation>
    </message>
    <message>
      <source>{articles} {indicator}（目标 {target}）</source>
      <translation>{articles} {indicator} (target {target})</translation>
    </message>
    <message>
      <source>此项由上报数据自动计算，无需填写。</source>
      <translation>Computed from the submitted data; nothing to enter.</translation>
    </message>
    <message>
      <source>此项由市局填报。</source>
      <translation>Entered by the city bureau.</translation>
    </message>
    <message>
      <source>填写当前完成数及佐证材料。</source>
      <translation>Enter the current figure and its evidence.</translation>
    </message>
    <message>
      <source>已保存。</source>
      <translation>Saved.</translation>
    </message>
    <message>
      <source>学校</source>
      <translation>School</translation>
    </message>
    <message>
      <source>专业</source>
      <translation>Majors</translation>
    </message>
    <message>
      <source>专业代码</source>
      <translation>Major code</translation>
    </message>
    <message>
      <source>专业名称</source>
      <translation>Major</translation>
    </message>
    <message>
      <source>年份</source>
      <translation>Year</translation>
    </message>
    <message>
      <source>品牌专业</source>
      <translation>Brand</translation>
    </message>
    <message>
      <source>双优专业</source>
      <translation>Double-excellent</translation>
    </message>
    <message>
      <source>涉农专业</source>
      <translation>Agricultural</translation>
    </message>
    <message>
      <source>在校生</source>
      <translation>Students</translation>
    </message>
    <message>
      <source>合作企业</source>
      <translation>Partner enterprises</translation>
    </message>
    <message>
      <source>企业名称</source>
      <translation>Enterprise</translation>
    </message>
    <message>
      <source>统一社会信用代码</source>
      <translation>Unified social credit code</translation>
    </message>
    <message>
      <source>行业</source>
      <translation>Industry</translation>
    </message>
    <message>
      <source>合作形式</source>
      <translation>Forms of cooperation</translation>
    </message>
    <message>
      <source>合作起始年</source>
      <translation>Since</translation>
    </message>
    <message>
      <source>1+X 证书试点</source>
      <translation>1+X certificate pilots</translation>
    </message>
    <message>
      <source>证书名称</source>
      <translation>Certificate</translation>
    </message>
    <message>
      <source>等级</source>
      <translation>Level</translation>
    </message>
    <message>
      <source>考核人数</source>
      <translation>Candidates</translation>
    </message>
    <message>
      <source>取证人数</source>
      <translation>Certified</translation>
    </message>
    <message>
      <source>毕业去向</source>
      <translation>Graduate destinations</translation>
    </message>
    <message>
      <source>毕业生</source>
      <translation>Graduates</translation>
    </message>
    <message>
      <source>就业</source>
      <translation>Employed</translation>
    </message>
    <message>
      <source>升学</source>
      <translation>Further study</translation>
    </message>
    <message>
      <source>实训基地与工作室</source>
      <translation>Practice bases and studios</translation>
    </message>
    <message>
      <source>名称</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>类型</source>
      <translation>Kind</translation>
    </message>
    <message>
      <source>数据类别(&amp;K)：</source>
      <translation>&amp;Kind of record:</translation>
    </message>
    <message>
      <source>这些数据可在此逐条新增、修改和删除，也可随学校填报表导入（专业、合作企业、1+X 证书试点、毕业去向、实训基地工作表）；目标任务页的计算值来自这里。</source>
      <translation>These records can be added, edited and deleted here one by one, or imported with the school templates (the majors, enterprises, 1+X pilots, destinations and bases sheets); the computed values on the targets page come from here.</translation>
    </message>
  </context>
  <context>
    <name>TaskExport</name>
    <message>
      <source>下发任务包（签名）</source>
      <translation>Issue task package (signed)</translation>
    </message>
    <message>
      <source>任务包含 {year} 年度的统计期和截止日期、各县区学校名录、标准规则集和目标任务，用市局的签名密钥签名。县区登记市局公钥后即可导入。</source>
      <translation>The task package holds the {year} period and its deadline, each county's school registry, the standards rule set and the targets, signed with the city's key. Counties import it once they have registered the city's public key.</translation>
    </message>
    <message>
      <source>全部县区（一个任务包）</source>
      <translation>All counties (one task package)</translation>
    </message>
    <message>
      <source>上报截止日期：</source>
      <translation>Submission deadline:</translation>
    </message>
    <message>
      <source>适用县区：</source>
      <translation>Counties:</translation>
    </message>
    <message>
      <source>保存到：</source>
      <translation>Save to:</translation>
    </message>
    <message>
      <source>市局密钥口令：</source>
      <translation>City key passphrase:</translation>
    </message>
    <message>
      <source>签名并导出</source>
      <translation>Sign and export</translation>
    </message>
    <message>
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <source>全部县区</source>
      <translation>all counties</translation>
    </message>
    <message>
      <source>任务包-{year}-{who}.xlsx</source>
      <translation>task-{year}-{who}.xlsx</translation>
    </message>
    <message>
      <source>保存任务包</source>
      <translation>Save task package</translation>
    </message>
    <message>
      <source>Excel 工作簿 (*.xlsx)</source>
      <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
      <source>截止日期已过，请选择今天以后的日期。</source>
      <translation>The deadline has passed; choose a date after today.</translation>
    </message>
    <message>
      <source>正在签名并导出…</source>
      <translation>Signing and exporting…</translation>
    </message>
    <message>
      <source>✓ 已导出 {year} 年度第 {seq} 号任务包：{path}
适用县区：{units}
市局签名密钥指纹：{fp}
请把文件交各县区导入。</source>
      <translation>✓ Task package {seq} for {year} exported: {path}
Counties: {units}
City signing key fingerprint: {fp}
Hand the file to the counties to import.</translation>
    </message>
    <message>
      <source>完成</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>正在签名并导出任务包…</source>
      <translation>Signing and exporting the task package…</translation>
    </message>
  </context>
</TS>
