"""Every fixed sentence the system says, in one place (golden-tested)."""

from __future__ import annotations

REFUSAL = "资料中没有找到可以回答这个问题的内容。"
RELATED_LABEL = "可能相关"

ERROR_EMPTY = "问题不能为空，请输入要查询的问题。"
ERROR_TOO_LONG = "问题过长：{length} 个字符，最多 {max_chars} 个字符。请精简后再问。"
ERROR_CONTROL = "问题包含不可见的控制字符（{codes}），请删除后再问。"
