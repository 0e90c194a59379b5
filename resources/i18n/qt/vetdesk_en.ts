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
      <source>双击一条问题可跳转到对应记录和字段；警告的“说明”列可直接填写，说明会随数据上报。</source>
      <translation>Double-click a finding to go to its record and field; type a warning's explanation straight into its Explanation cell — it is submitted with the data.</translation>
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
      <source>{name}（{code}）：{verdict}</source>
      <translation>{name} ({code}): {verdict}</translation>
    </message>
  </context>
  <context>
    <name>Interaction</name>
    <message>
      <source>发生了意外错误：{err}
详细信息已写入日志文件。</source>
      <translation>An unexpected error occurred: {err}
Details were written to the log file.</translation>
    </message>
    <message>
      <source>VetDesk</source>
      <translation>VetDesk</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
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
      <source>查找(&amp;F)</source>
      <translation>&amp;Find</translation>
    </message>
    <message>
      <source>重新核验(&amp;C)</source>
      <translation>Re-&amp;check</translation>
    </message>
    <message>
      <source>关于 VetDesk(&amp;A)</source>
      <translation>&amp;About VetDesk</translation>
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
      <source>正在读取数据…</source>
      <translation>Reading data…</translation>
    </message>
    <message>
      <source>{year} 年度</source>
      <translation>{year}</translation>
    </message>
    <message>
      <source>尚无统计期：请用“文件 → 新建统计期”创建</source>
      <translation>No period yet: create one with File → New period</translation>
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
      <source>清空“{name}”本年度的办学条件数据？可用“撤销”恢复。</source>
      <translation>Clear this year's condition figures of “{name}”? Undo brings them back.</translation>
    </message>
    <message>
      <source>删除“{name}”？可用“撤销”恢复。</source>
      <translation>Delete “{name}”? Undo brings it back.</translation>
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
      <source>搜索名称、代码或身份证号…</source>
      <translation>Search names, codes or ID numbers…</translation>
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
      <source>上报数据包需要本单位的签名密钥。</source>
      <translation>Submitted packages need your unit's signing key.</translation>
    </message>
    <message>
      <source>签名密钥的创建将在后续版本中提供。现在可以直接继续，稍后在“文件”菜单中创建。</source>
      <translation>Creating the signing key comes in a later version. Continue now and create it later from the File menu.</translation>
    </message>
    <message>
      <source>市局任务包（可选）</source>
      <translation>City task package (optional)</translation>
    </message>
    <message>
      <source>如果市局已下发任务包，以后可从任务包开始（将在后续版本中提供）。现在按“完成”即创建一个空数据库。</source>
      <translation>Starting from a task package sent by the city comes in a later version. Press Finish to create an empty database now.</translation>
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
</TS>
