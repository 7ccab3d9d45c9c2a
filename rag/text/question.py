"""Question analysis: what is asked, which terms constrain the answer, and any stated premise.

Deterministic rules over the normalised view (Simplified, width-folded, lower-case), so a
Traditional question is analysed like its Simplified twin. Used by the answerability gate
(which checks the constraints against the sentences that would be cited) and by the
extractive generator (which shapes a direct or list answer from what is asked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.normalize import normalize_for_match

# What a question asks for; the first matching rule wins, so order matters.
ASKED = (
    "date", "number", "who", "place", "definition", "reason", "method", "list",
    "comparison", "yesno", "other",
)
# Measure words a count is asked in (几个, 多少项); 年 and 天 only after 多少 (近几年 asks no count).
_COUNTED = "个项家次种条位名所部成倍大步级类批层轮届期"

_ASKED_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("reason", re.compile(r"(?:难|问题|原因|根子|症结|根源|关键)(?:就)?在哪")),  # not a place
    ("date", re.compile(r"何时|什么时候|哪一?年|哪一?个?月|哪一?天|哪一日|几月|几号|何年|什么时间|哪个时间|日期是")),
    ("list", re.compile(r"哪几|几个方面|哪些方面")),
    ("number", re.compile(rf"多少|多长时间|多久|(?<!哪)几[{_COUNTED}]|第几|比例是|百分之几|几成")),
    ("who", re.compile(r"谁|哪位|何人|哪些人|哪个人|哪些学者|哪位学者|哪[个家些]?(?:单位|部门|机构|企业|公司|组织|会议|期刊|网站)")),
    ("place", re.compile(r"哪里|何地|何处|在哪儿|哪个(?:省|市|地区|城市|国家)|哪些(?:省|市|地区|城市|国家)")),
    ("definition", re.compile(r"什么是|是指什么|指什么|指的是什么|含义|定义|内涵|何为|何谓|如何界定|怎样界定|怎么界定|界定为|界定是什么|是什么意思|意味着什么")),
    ("reason", re.compile(r"为什么|为何|原因|何以|为啥|缘何|怎么会")),
    ("method", re.compile(r"如何|怎样|怎么|通过什么|靠什么|采取了?哪些|采取了?什么|哪些(?:措施|举措|办法|方法|手段|方式|路径|途径|对策|建议)|做法|路径|对策")),
    ("list", re.compile(r"哪些|哪几|几个方面|哪[两三四五六七八九十]|包括什么|包含什么|有什么")),
    ("comparison", re.compile(r"区别|异同|不同之处|相比|比较|差异")),
    ("yesno", re.compile(r"是否|有没有|能否|可否|是不是|吗[?？]?$")),
)

# Places by name; a question naming one is only answered from sentences about it.
_PROVINCES = """
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东
海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门
""".split()
_CITIES = """
深圳 广州 杭州 南京 成都 武汉 西安 苏州 雄安 厦门 青岛 宁波 佛山 东莞 珠海 长沙 郑州 济南 合肥 福州
贵阳 昆明 南宁 哈尔滨 长春 沈阳 大连 石家庄 太原 呼和浩特 兰州 西宁 银川 乌鲁木齐 拉萨 海口 南昌 无锡
温州 嘉兴 绍兴 金华 台州 泉州 中山 惠州 汕头 湛江 江门 肇庆 浦东 滨海
""".split()
_COUNTRIES = """
美国 英国 德国 法国 日本 韩国 新加坡 爱沙尼亚 澳大利亚 加拿大 俄罗斯 印度 丹麦 瑞典 芬兰 挪威 荷兰
卡塔尔 以色列 意大利 西班牙 新西兰 巴西 南非 欧盟 联合国
""".split()
PLACES = tuple(sorted(set(_PROVINCES + _CITIES + _COUNTRIES), key=lambda p: -len(p)))
_PLACE = re.compile("|".join(map(re.escape, PLACES)))
_PLACE_SUFFIX = re.compile(r"^(?:省|市|自治区|特别行政区|地区)")

# Organisations: named bodies, and generic ones whose level matters (省政府 vs 市政府).
_ORGANISATION = re.compile(
    r"国务院(?:办公厅)?|全国人大(?:常委会)?|中共中央(?:办公厅|政治局)?|党中央|中央网信办|政治局|中央全面深化改革委员会"
    r"|国家发展改革委|国家发改委|国家(?:互联网信息办公室|大数据局|数据局)|工信部|工业和信息化部|公安部|财政部|民政部"
    r"|省(?:人民)?政府|市(?:人民)?政府|县(?:人民)?政府|区(?:人民)?政府|省委|市委|人大常委会|政协"
    r"|[\u4e00-\u9fff]{1,6}(?:厅|(?<![布格结当大全开僵])局|委员会|办公室|公司|集团|研究院|大学|学院)|[省市县]?(?:发改|卫健|网信|教育|科技)委"
)
# Administrative levels: a fact about 省级 bodies says nothing about 市级 ones.
_LEVEL = re.compile(r"(?:省|市|县|区|乡镇|地市|国家)级")
_ORG_GENERIC = {"公司", "集团", "委员会", "办公室", "政务服务数据管理局"}
_YEAR = re.compile(r"(?:19|20)\d{2}(?:\s*年)?")
_DATE = re.compile(r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?")
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|个|项|家|次|亿|万|名|条|位|种|人|元|年|倍)?"
    r"|[一二三四五六七八九十百千万两]+(?:个|项|家|次|名|条|位|种|倍)"
)
_ORDINAL = re.compile(
    r"(?:第?[一二三四五六七八九十]+届)?[一二三四五六七八九十]+中全会"
    r"|第[一二三四五六七八九十百零〇]+(?:次|届|个|项|期)"
    r"|十[一二三四五]五"
)
_FOREIGN_NAME = re.compile(
    r"[\u4e00-\u9fff]{1,5}·[\u4e00-\u9fff]{1,5}?(?:·[\u4e00-\u9fff]{1,5}?)?"
    r"(?=认为|指出|提出|强调|主张|等|的|在|曾|将|把|对|从|[,，。？?]|$)"
)
# Chinese names: a common surname and one or two characters, followed by what scholars do
# ("黄璜等指出", "梁木生最早", "王浦劬、孟庆国的《…》"); jieba's person tags miss too many.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤郁涂鲍"
)
_PERSON = re.compile(
    rf"(?<![\u4e00-\u9fff])([{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?)"
    r"(?=等|认为|指出|提出|主张|强调|最早|曾|是在|基于|在其|的《|、[\u4e00-\u9fff]{2,3}(?:等|的|认为|指出|提出))"
)
_PERSON_LEAD = re.compile(r"^[\u4e00-\u9fff]*?(?:中|的|和|与|及|由|是|被|对)")
_TITLE = re.compile(r"《([^》]{1,60})》")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,30})[”\"」』]")
# "X一文" / "X那篇文章" name an article, not a fact: checked against titles, not sentences.
_ARTICLE_REF = re.compile(r"([\u4e00-\u9fff]{2,24})一文")
_ARTICLE_LEAD = re.compile(r"^(?:为什么|为何|关于|根据|按照|在|和|与|及|从)")
# The term a definition question asks about: "如何定义数字政府治理", "数据铁笼是指什么".
_DEFINIENDUM = (
    re.compile(r"(?:如何|怎样|怎么)(?:定义|界定|理解|解释)(?:的)?[“「\"]?([^，,。？?”」\"]{2,14}?)[”」\"]?(?:的|这个|这一|$|[？?])"),
    re.compile(r"(?:什么是|何为|何谓)[“「\"]?([^，,。？?”」\"]{2,16}?)[”」\"]?(?:$|[？?])"),
    re.compile(r"(?:所说的|中的|提出的)?[“「\"]?([^，,。？?”」\"的]{2,14})[”」\"]?(?:是指什么|指什么|指的是什么|的含义|的定义|的内涵|意味着什么|是什么意思)"),
)
# Questions about the literature itself: notes and references may then be evidence.
_ABOUT_SOURCES = re.compile(r"注释|参考文献|文献|出处|引用|引述|期刊|发表|刊载|刊登|哪一期|作者是谁|论文")
# A stated premise: "为什么 P", "P 的原因是什么", "文章说 P，…".
_WHY_PREMISE = re.compile(r"(?:为什么|为何|缘何|何以)(.{4,})$")
_REASON_PREMISE = re.compile(r"^(.{4,}?)的(?:原因|缘由|理由)(?:是什么|有哪些|何在)?")
_CLAIM_PREMISE = re.compile(r"^(?:文章|文中|作者|该文|本文)?(?:说|称|认为|提到|指出)(.{6,}?)[,，]")
_ASKS_COUNT = re.compile(r"(?:哪|几)$")
# The one pattern of question words (what a clause asks with, not what it is about).
QUESTION_WORD = re.compile(r"什么|哪|谁|多少|如何|怎么|怎样|几|何|多久|多长")
_TRAILING = re.compile(r"[?？!！。.\s]+$")


@dataclass(frozen=True)
class Constraint:
    """A term the answer must respect, as it appears in the normalised question."""

    text: str
    kind: str  # place | organisation | level | person | term (a definiendum) | year | date | number | ordinal | title | quoted | article


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks and what it takes for granted."""

    question: str
    view: str  # normalised question
    asked: str  # one of ASKED
    constraints: tuple[Constraint, ...] = ()
    premise: str = ""  # a clause the question states as fact ("" when none)
    about_sources: bool = False  # notes and references count as evidence
    granularity: str = ""  # date questions: year | month | day; number questions: the measure
                           # word asked for (多少个 → 个), "" when none
    slot_context: tuple[str, ...] = ()  # the words either side of each wh-word ("共撤销|个信息中")

    def terms(self, *kinds: str) -> tuple[str, ...]:
        """The constraint texts of the given kinds (all kinds when none given)."""
        return tuple(c.text for c in self.constraints if not kinds or c.kind in kinds)


def asked_of(view: str) -> str:
    """The kind of answer a normalised question asks for (see `ASKED`)."""
    for name, pattern in _ASKED_RULES:
        if pattern.search(view):
            return name
    return "other"


def _granularity(view: str) -> str:
    if re.search(r"哪一?天|哪一日|几号|几月几日|哪月哪日", view):
        return "day"
    if re.search(r"哪一?个?月|几月", view):
        return "month"
    if re.search(r"哪一?年|何年|何时|什么时候|什么时间", view):
        return "year"
    return ""


_MEASURE = re.compile(rf"多少([{_COUNTED}年天人元亿万])|几([{_COUNTED}])")


def _measure(view: str) -> str:
    """The measure word a number question asks in (多少个, 几级), "" when none."""
    found = _MEASURE.search(view)
    return (found.group(1) or found.group(2)) if found else ""


def fold_place(name: str) -> str:
    """A place name without its administrative suffix: 广东省 → 广东, 深圳市 → 深圳."""
    return re.sub(r"(?:省|市|自治区|特别行政区)$", "", name) or name


def _spans_overlap(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _find(pattern: re.Pattern, view: str, kind: str, taken: list, group: int = 0) -> list[Constraint]:
    out = []
    for match in pattern.finditer(view):
        span = match.span(group)
        if _spans_overlap(span, taken):
            continue
        text = match.group(group).strip()
        if not text:
            continue
        taken.append(span)
        out.append(Constraint(text, kind))
    return out


def _people(view: str, taken: list[tuple[int, int]]) -> list[Constraint]:
    """People named as authors of a view ("黄璜等从…出发", "王浦劬、孟庆国的《…》")."""
    out = []
    for clause_start, clause in _clauses(view):
        for match in _PERSON.finditer(clause):
            span = (clause_start + match.start(1), clause_start + match.end(1))
            if not _spans_overlap(span, taken):
                taken.append(span)
                out.append(Constraint(match.group(1), "person"))
    return out


def _clauses(view: str) -> list[tuple[int, str]]:
    """Clauses with their offsets; names are looked for after "注释中", "在" and the like."""
    out, start = [], 0
    for part in re.split(r"([,，。？?；;：:\s])", view):
        if part and not re.fullmatch(r"[,，。？?；;：:\s]", part):
            lead = re.match(r"^(?:注释中|文中|根据|在|据)", part)
            skip = lead.end() if lead else 0
            out.append((start + skip, part[skip:]))
        start += len(part)
    return out


def constraints_of(view: str) -> tuple[Constraint, ...]:
    """The terms of a normalised question that an answer must respect, most specific first."""
    taken: list[tuple[int, int]] = []
    found: list[Constraint] = []
    found += _find(_TITLE, view, "title", taken, group=1)
    # Article references ("跨界治理一文") point at a document; keep them out of the rest.
    for c in _find(_ARTICLE_REF, view, "article", taken, group=1):
        # "社会质量视角一文和跨界治理一文": one reference per article.
        for part in re.split(r"一文|(?<=[\u4e00-\u9fff]{2})[和与及]", c.text):
            part = _ARTICLE_LEAD.sub("", part.strip())
            if len(part) >= 2:
                found.append(Constraint(part, "article"))
    found += _find(_QUOTED, view, "quoted", taken, group=1)
    for pattern in _DEFINIENDUM:
        found += [
            c for c in _find(pattern, view, "term", taken, group=1)
            if not c.text.startswith(("这", "那", "其", "该", "它", "具体"))
        ]
    found += _find(_DATE, view, "date", taken)
    found += _find(_YEAR, view, "year", taken)
    found += _find(_ORDINAL, view, "ordinal", taken)
    found += _find(_NUMBER, view, "number", taken)
    found += _find(_ORGANISATION, view, "organisation", taken)
    found += _find(_LEVEL, view, "level", taken)
    found += [Constraint(fold_place(c.text), "place") for c in _find(_PLACE, view, "place", taken)]
    found += _find(_FOREIGN_NAME, view, "person", taken)
    found += _people(view, taken)
    cleaned = []
    for c in found:
        text = re.sub(r"\s+", "", c.text)
        if c.kind == "year":
            text = text.rstrip("年")
        if c.kind == "organisation" and text in _ORG_GENERIC:
            continue
        if c.kind == "number" and (
            re.fullmatch(r"一[个项家次名条位种倍]", text) or _ASKS_COUNT.search(view[: view.find(text)])
        ):
            continue  # "一次", "一种" are not facts; "哪四个困境" asks for a count
        cleaned.append(Constraint(text, c.kind))
    return tuple(dict.fromkeys(cleaned))


_ATTRIBUTION = re.compile(
    r"(?:文章|文中|作者|该文|本文|[\u4e00-\u9fff]{2,24}一文)(?:认为|指出|提到|说|称|主张)?[,，]?"
)


_WH = re.compile(
    r"由谁|是谁|谁|哪位|什么时候|什么时间|什么|哪一年|哪年|哪一?个?月|哪一?天|何时|多少|多长时间|多久"
    r"|几[个项家次名条位种步]|第几|哪[一个些家部类本种次位]*"
)
_CONTEXT_BREAK = re.compile(r"[,，。？?！!、；;：:“”\"《》()（）]")
_PARTICLES = "的是了在把被将与和及又"
SLOT_ASKS = ("number", "date", "place")  # asks whose answer sits next to the question's words


def slot_context_of(view: str) -> tuple[str, ...]:
    """For each wh-word, up to four characters either side, as "left|right": the words an
    answering sentence repeats around the fact ("共撤销了多少个信息中心" → "共撤销|个信息中")."""
    out = []
    for match in _WH.finditer(view):
        left = _CONTEXT_BREAK.split(view[: match.start()])[-1][-4:].strip(_PARTICLES)
        right = _CONTEXT_BREAK.split(view[match.end() :])[0][:4].strip(_PARTICLES)
        if len(left) + len(right) >= 2:
            out.append(f"{left}|{right}")
    return tuple(dict.fromkeys(out))


def premise_of(view: str, asked: str) -> str:
    """The clause a question states as fact, for why/what-caused questions and "文章说…".

    "为什么P" gives P with the question word taken out (the subject before it kept);
    attributions such as "跨界治理一文认为" are dropped, since they are not the claim.
    """
    body = _TRAILING.sub("", view)
    premise = ""
    claim = _CLAIM_PREMISE.search(body)
    if claim and not QUESTION_WORD.search(claim.group(1)):
        premise = claim.group(1)
    elif asked == "reason" and _WHY_PREMISE.search(body):
        match = _WHY_PREMISE.search(body)
        premise = body[: match.start()] + match.group(1)
    elif asked == "reason" and _REASON_PREMISE.search(body):
        premise = _REASON_PREMISE.search(body).group(1)
    premise = _ATTRIBUTION.sub("", premise).strip(" ,，:：")
    if QUESTION_WORD.search(premise):
        premise = re.split(r"[,，]", premise)[0] if not QUESTION_WORD.search(re.split(r"[,，]", premise)[0]) else ""
    return premise if len(premise) >= 4 else ""


def analyse_question(question: str) -> QuestionAnalysis:
    """Analyse one question (any script) into asked slot, constraints and premise."""
    view = normalize_for_match(question).strip()
    asked = asked_of(view)
    return QuestionAnalysis(
        question=question,
        view=view,
        asked=asked,
        constraints=constraints_of(view),
        premise=premise_of(view, asked),
        about_sources=bool(_ABOUT_SOURCES.search(view)),
        granularity=(
            _granularity(view) if asked == "date" else _measure(view) if asked == "number" else ""
        ),
        slot_context=slot_context_of(view) if asked in SLOT_ASKS else (),
    )
