"""Every fixed Chinese sentence the chat front end shows, in one place."""

from __future__ import annotations

APP_TITLE = "政务问答"
APP_SUBTITLE = "基于数字政府建设文章的问答助手：每个回答都标注出处，可点击 [1] [2] 查看原文依据。"

# Controls
LABEL_QUESTION = "输入问题"
PLACEHOLDER_QUESTION = "请输入问题，按 Enter 发送"
COUNTER = "{count}/{limit} 字"
LABEL_SEND = "发送"
LABEL_NEW_CHAT = "新对话"
LABEL_SETTINGS = "设置"
LABEL_DOCS = "查找范围（文章）"
INFO_DOCS = "默认在全部文章中查找；取消勾选可缩小范围。"
LABEL_SCRIPT = "简繁"
INFO_SCRIPT = "回答和出处默认与提问的简繁体一致；也可统一为简体或繁體。"
SCRIPT_CHOICES = (("自动", "auto"), ("简", "simplified"), ("繁", "traditional"))
LABEL_SHOW_REMOVED = "显示被删除的内容"
INFO_SHOW_REMOVED = "供评估人员核查：在大模型生成的回答下方列出因无法在资料中核实而被删除的句子及原因。"
LABEL_TOP_K = "参考段落数量"
INFO_TOP_K = "回答每个问题时参考的原文段落数；越多越全面，越少越聚焦。"
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
CITE_HINT = "点击编号可查看原文出处"
ANSWER_FOOTER = "{generator} · 依据 {count} 处出处 · 用时 {seconds} 秒 · " + CITE_HINT
GENERATOR_LABELS = {
    "extractive": "摘录原文作答",
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
QUERY_LABEL = "按此查找"
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
FEEDBACK_THANKS_UP = "感谢反馈！如愿意，可以补充说明。"
FEEDBACK_THANKS_DOWN = "感谢反馈！能否告诉我们哪里不对？"
FEEDBACK_COMMENT_SAVED = "已收到您的意见，谢谢！"
FEEDBACK_NOTHING = "这条消息没有可评价的回答。"
REFUSAL_REASONS = "原因："

# Answers: actions, references, timing
LABEL_COPY = "复制"
COPY_TITLE = "复制回答和参考资料"
COPIED = "已复制"
RATE_UP = "有帮助"
RATE_DOWN = "没帮助"
RATED = {"up": "已评价：有帮助", "down": "已评价：没帮助"}
REFERENCES_HEADING = "参考资料："
CAVEAT_LABEL = "请注意："
TITLE_DERIVED = "标题取自正文首句（原文无标题）"
TITLE_DERIVED_SHORT = "（标题取自正文）"
META_AUTHORS = "作者：{authors}"
PENDING_LOADING = "系统正在加载资料，就绪后会自动回答这个问题……"


def format_seconds(seconds: float) -> str:
    """A duration as shown under an answer: 0.35 秒, 1.2 秒 (never a rounded-away 0.0)."""
    seconds = max(0.0, float(seconds))
    return f"{seconds:.2f}" if seconds < 1 else f"{seconds:.1f}"


# Sources panel, phones and scripts
SHOW_ORIGINAL = "显示原文"
SHOW_CONVERTED = "显示转换后的文字"
CLOSE_SHEET = "← 返回对话"
LIBRARY_LABEL = "已收录的文章"
LIBRARY_HINT = "可以只在某一篇文章中查找："
SCOPE_ONE = "只查这篇"
SCOPE_ALL = "查全部文章"
SCOPE_NOW = "当前只在《{title}》中查找"
LABEL_HEADER_SCRIPT = "简繁显示"

# Conversations: export and history
LABEL_EXPORT_MD = "导出 Markdown"
LABEL_EXPORT_DOCX = "导出 Word"
LABEL_HISTORY = "历史对话"
LABEL_OPEN_HISTORY = "打开"
HISTORY_EMPTY = "（还没有历史对话）"
EXPORT_TITLE = "政务问答 对话记录"
EXPORT_QUESTION = "问："
EXPORT_ANSWER = "答："
LABEL_CLOSE = "关闭"
LABEL_CHAT_LOG = "对话记录"
LABEL_EXAMPLE = "示例问题："
LABEL_YOU = "您的问题："
LABEL_BOT = "回答："
LABEL_OPEN_SHEET = "文章与出处"
LABEL_EXAMPLES = "示例问题"

# Server (issue 11): load failures, limits, article ids
STATUS_LOAD_FAILED = "加载失败：{reason}。{fix}"
FIX_LOAD_FAILED = (
    "解决办法：请管理员查看服务器日志；索引损坏时运行 `rag build` 重建索引，"
    "设置有误（如 llm_base_url）时改正设置，然后重启 `rag serve`。"
)
ERROR_LOAD_FAILED = "系统未能加载，暂时无法回答（{reason}）。{fix}"
ERROR_UNKNOWN_DOCS = "检索范围中有未收录的文章：{unknown}。当前共收录 {count} 篇文章，请刷新页面后重新选择。"
ERROR_COMMENT_TOO_LONG = "意见过长（{length} 字），请精简到 {max_chars} 字以内后再提交。"
