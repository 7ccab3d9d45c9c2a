"""Every fixed Chinese sentence the chat front end shows, in one place."""

from __future__ import annotations

APP_TITLE = "政务问答"
APP_SUBTITLE = "基于数字政府建设文章的问答助手：每个回答都标注出处，可点击 [1] [2] 查看原文依据。"

# Controls
LABEL_QUESTION = "问题"
PLACEHOLDER_QUESTION = "请输入问题，按 Enter 发送"
LABEL_SEND = "发送"
LABEL_NEW_CHAT = "新对话"
LABEL_SETTINGS = "检索设置"
LABEL_DOCS = "检索范围（文章）"
INFO_DOCS = "默认检索全部文章；取消勾选可缩小范围。"
LABEL_SCRIPT = "出处文字显示"
INFO_SCRIPT = "原文保持文章原有的简繁体；也可统一为简体或繁體。"
SCRIPT_CHOICES = (("原文", "original"), ("简体", "simplified"), ("繁體", "traditional"))
LABEL_SHOW_REMOVED = "显示被删除的内容"
INFO_SHOW_REMOVED = "供评估人员核查：在大模型生成的回答下方列出因无法在资料中核实而被删除的句子及原因。"
LABEL_TOP_K = "检索段落数"
INFO_TOP_K = "每个问题检索的段落数量；越多越全面，越少越聚焦。"
LABEL_CHAT = "对话"
LABEL_SOURCES = "出处"
LABEL_COMMENT = "补充意见（可选）"
PLACEHOLDER_COMMENT = "哪里好、哪里不对，或者您期望的答案……"
LABEL_SUBMIT_COMMENT = "提交意见"

# Example questions on the empty screen (all answerable from the seed articles).
EXAMPLE_QUESTIONS = (
    "广东数字政府改革建设工作领导小组由谁担任组长？",
    "数字政府建设面临哪些现实困境？",
    "如何打破部门之间的数据壁垒，实现数据共享？",
    "文章认为政府存在的核心目的是什么？",
)
CHAT_PLACEHOLDER = (
    "<div class='rag-welcome'><h3>您好，我是政务问答助手</h3>"
    "<p>我只根据已收录的数字政府建设文章作答，并为每句话标注出处。资料中找不到答案时，我会如实说明。</p>"
    "<p>可以试试下面的问题：</p></div>"
)

# Chat messages
PENDING = "正在检索相关段落……"
CITE_HINT = "点击编号可在右侧查看原文出处"
ANSWER_FOOTER = "{generator} · 依据 {count} 处出处 · 用时 {seconds:.1f} 秒 · " + CITE_HINT
GENERATOR_LABELS = {
    "extractive": "抽取式回答",
    "openai": "大模型生成（已核对出处）",
    "transformers": "本地模型生成（已核对出处）",
}
GUARD_REMOVED = "已删除 {count} 句无法在所引资料中核实的内容"
REFUSAL_HINT = "以下段落与问题最接近，但不足以作答，仅供参考："
CITE_TITLE = "查看出处 [{n}]：《{title}》"
RELATED_TITLE = "查看段落：《{title}》"

# Sources panel
SOURCES_EMPTY = (
    "提问后，回答中的 [1]、[2] 等编号可以点击，"
    "这里会显示对应的原文段落，并高亮支持回答的句子。"
)
QUERY_LABEL = "检索问题"
QUERY_REWRITTEN = "已结合上一轮对话理解为"
VIEW_ARTICLE = "查看全文并定位"
BACK_TO_SOURCES = "← 返回出处"
ARTICLE_META = "发布时间：{date}"
ARTICLE_SOURCE = "来源：{source}"
META_SECTION_NOTE = "（文章信息）"
NO_SECTION = "正文"
SOURCE_ANSWER_LABEL = "回答的出处"
SOURCE_GONE = "这条出处已不在当前对话中，请重新提问。"

# Status banner
STATUS_BUILDING = "首次启动：正在建立索引（约需 1–2 分钟），完成后即可提问……"
STATUS_LOADING = "正在加载模型和索引，请稍候……"
STATUS_READY = "已就绪：共收录 {count} 篇文章。"
STATUS_FAILED = "索引尚未就绪：{reason}"

# Friendly errors shown in the chat (never a traceback)
ERROR_NOT_READY = "系统正在准备索引和模型，请稍候片刻再提问。"
ERROR_INDEX_MISSING = "索引不可用，暂时无法回答。请管理员运行 `rag build` 建立索引后重启服务。（{reason}）"
ERROR_NO_DOCS = "请至少选择一篇文章作为检索范围。"
ERROR_INTERNAL = "抱歉，处理这个问题时出现了意外错误，请稍后再试或换个问法。"

# Feedback
FEEDBACK_THANKS_UP = "感谢反馈 👍！如愿意，可以在下方补充说明。"
FEEDBACK_THANKS_DOWN = "感谢反馈 👎！能否告诉我们哪里不对？"
FEEDBACK_COMMENT_SAVED = "已收到您的意见，谢谢！"
FEEDBACK_NOTHING = "这条消息没有可评价的回答。"
REFUSAL_REASONS = "原因："

# Server (issue 11): load failures, limits, article ids
STATUS_LOAD_FAILED = "加载失败：{reason}。{fix}"
FIX_LOAD_FAILED = (
    "解决办法：请管理员查看服务器日志；索引损坏时运行 `rag build` 重建索引，"
    "设置有误（如 llm_base_url）时改正设置，然后重启 `rag serve`。"
)
ERROR_LOAD_FAILED = "系统未能加载，暂时无法回答（{reason}）。{fix}"
ERROR_UNKNOWN_DOCS = "检索范围中有未收录的文章：{unknown}。当前共收录 {count} 篇文章，请刷新页面后重新选择。"
ERROR_COMMENT_TOO_LONG = "意见过长（{length} 字），请精简到 {max_chars} 字以内后再提交。"
