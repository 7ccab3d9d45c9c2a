"""rag.answer.shape: answer phrases and enumerated items as offsets into verbatim source text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.shape import aligned_view, answer_phrase, list_items, numbered_heading

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[3] / "seeds"

# Sentences as they stand in the cleaned seed articles (two of them in Traditional script).
LEADING_GROUP = (
    "广东认真贯彻落实习近平关于数字中国与网络强国建设的重要论述和战略部署,高度重视数字政府建设,"
    "将其列为全面深化改革 18 项重大任务的第一项,作为“一把手工程”进行顶层设计,成立由省长任组长的"
    "“数字政府”改革建设工作领导小组,制定总体规划和建设方案。"
)
CENTRES = (
    "广东率先改革数字政府建设运营的体制机制,成立省政府电子政务管理办公室,统筹全省政务信息化规划、"
    "建设、监督;组建省、市、县三级的政务服务数据管理局,负责数字政府的政策供给、项目审批、业务应用"
    "系统集约、政务数据资源管理等;探索“管运分离”模式,撤销省信息中心以及省直各单位共计44 个信息中心,"
    "成立数字广东公司作为专责运营机构,承担信息化基础设施和系统建设运维;"
)
CLOUD = (
    "國務院各部門政務云應納入全國一體化政務云平臺體系進行統籌管理,各地區按照省級統籌原則開展政務云"
    "建設,促使政務云服務集約化。"
)
MEETINGS = "每季度召开领导小组会议,总结经验、发掘问题,做好下一阶段改革部署。"
VISITS = (
    "省领导每周关注改革进展,省长一年三次赴数字广东公司调研建设情况,以“高度重视”的领导注意力分配方式"
    "保障改革强力推进。"
)
PARTNERS = (
    "与此同时,数字广东公司基于能力互补和资源共享与其他技术企业展开合作,打造数字化生态圈/生态链系统,"
    "已有 700 家合作伙伴在为广东数字政府建设提供核心能力和技术支撑。"
)
LAUNCH = "广东作为改革开放前沿与制度创新高地,于 2017 年底启动“数字政府”改革,两年多时间已取得显著成效。"
PLENUM = "2019年10月,黨的十九屆四中全會首次正式提出推進數字政府建設的要求。"
RANKING = (
    "2020 年 5 月，国务院办公厅电子政务办公室委托中央党校（国家行政学院）开展 2019 年度省级政府和"
    "重点城市网上政务服务能力第三方评估，结果显示，广东省 2019年排名位居第一(2016 年第九,2017 年"
    "第四,2018 年第一),“数字广东”改革经验已成为省级数字政府建设样板。"
)
RANKING_SEED = RANKING.replace("，", ",").replace("（", "(").replace("）", ")")
PIONEER = (
    "在此基礎上,該領域的學者將數字政府的研究從最初的技術層面逐漸演變到價值層面,傾向于數字政府是實現"
    "以人民為中心、全過程人民民主的政府治理新形態:梁木生最早關注這個領域,將數字政府界定為政府運用"
    "高新技術對城市和社會實施有效管理的技術手段[9];"
)
DIMENSIONS = (
    "黃未、陳加友通過對國內數字政府實踐的案例分析,提出應從頂層設計、基礎創新、技術升級三個維度推進"
    "數字政府建設[14];"
)
RESPONSIVENESS = "政府回應性是數字政府治理公共價值的落腳點。"
JOINT_VENTURE = (
    "广东领导秉持“跨界思维”,充分发挥市场主体的技术优势,成立腾讯与三大运营商的合资公司———数字广东网络"
    "建设有限公司,通过“政企合作”模式将前沿技术引入政府治理。"
)
PROVINCES = (
    "近年来,我国各级政府加快数字化转型进程,截至 2019 年底,已有 10 个省级政府出台数字政府规划,"
    "19 个省份成立省级大数据管理机构。"
)
SYSTEMS = (
    "改革前,广东省直各部门均设有信息中心,省级各单位自建信息系统多达 1068 个,烟囱林立、互不联通,"
    "生成部门壁垒、数据孤岛。"
)
ESTABLISHED = [
    LEADING_GROUP, CENTRES, CLOUD, MEETINGS, VISITS, PARTNERS, LAUNCH, PLENUM, RANKING_SEED,
    PIONEER, DIMENSIONS, RESPONSIVENESS, JOINT_VENTURE, PROVINCES, SYSTEMS,
]


@lru_cache(maxsize=1)
def seed_text() -> str:
    from rag.ingest.load import load_documents

    return "\n".join(doc.text for doc in load_documents(SEEDS).documents)


def phrase(asked: str, question: str, sentence: str) -> str | None:
    span = answer_phrase(asked, question, sentence)
    return None if span is None else sentence[span[0] : span[1]]


@pytest.mark.parametrize("sentence", ESTABLISHED)
def test_fixtures_are_verbatim_seed_sentences(sentence):
    assert sentence in seed_text()


# --- answer_phrase -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked, question, sentence, expected",
    [
        ("who", "广东数字政府改革建设工作领导小组由谁担任组长？", LEADING_GROUP, "省长"),
        ("date", "这篇文章是什么时候发布的？", "发布时间：2022-05-12 11:01", "2022-05-12 11:01"),
        ("number", "广东在探索“管运分离”时，共撤销了多少个信息中心？", CENTRES, "44 个"),
        ("number", "广东在探索“管运分离”时，共撤销了多少个信息中心？", "广东撤销了44个信息中心。", "44个"),
        ("other", "各地区政务云建设按照什么原则开展?", CLOUD, "省級統籌原則"),
        ("who", "《社会质量视角下数字政府发展的现实困境与优化路径》的作者是谁？", "作者：沈费伟", "沈费伟"),
        ("who", "这篇文章的编辑是谁？", "作者：沈费伟\n编辑：陈俊男", "陈俊男"),
        ("who", "这篇文章的编辑是谁？", "作者：沈费伟", None),
        ("number", "领导小组多久召开一次会议？", MEETINGS, "每季度"),
        ("number", "省长一年几次赴数字广东公司调研？", VISITS, "三次"),
        ("number", "数字广东公司有多少家合作伙伴？", PARTNERS, "700 家"),
        ("number", "广东将数字政府改革列为全面深化改革重大任务的第几项？", LEADING_GROUP, "第一项"),
        ("date", "广东何时启动数字政府改革？", LAUNCH, "2017 年底"),
        ("date", "党的十九届四中全会是什么时候提出推进数字政府建设的？", PLENUM, "2019年10月"),
        ("date", "国务院办公厅何时委托中央党校开展评估？", RANKING, "2020 年 5 月"),
        ("who", "谁最早关注数字政府这个领域？", PIONEER, "梁木生"),
        ("who", "谁提出应从顶层设计、基础创新、技术升级三个维度推进数字政府建设？", DIMENSIONS, "黃未、陳加友"),
        ("other", "政府回应性是数字政府治理公共价值的什么？", RESPONSIVENESS, "落腳點"),
        ("other", "腾讯与三大运营商成立的合资公司叫什么名字？", JOINT_VENTURE, "数字广东网络建设有限公司"),
        ("number", "已有多少个省级政府出台数字政府规划？", PROVINCES, "10 个"),
        ("number", "多少个省份成立了省级大数据管理机构？", PROVINCES, "19 个"),
        ("number", "省级各单位自建信息系统多达多少个？", SYSTEMS, "1068 个"),
    ],
)
def test_answer_phrase(asked, question, sentence, expected):
    assert phrase(asked, question, sentence) == expected


@pytest.mark.parametrize(
    "asked, question, sentence",
    [
        # The sentence is about something else.
        ("who", "浙江数字政府领导小组由谁担任组长？", "數據安全關乎國家安全。"),
        ("number", "多少个省份出台了数据安全法规？", PROVINCES),
        ("number", "广东撤销了多少个信息中心？", SYSTEMS),
        ("date", "数字政府是什么时候提出的？", RANKING),
        # Several candidates and the question's words point two ways (2019年排名… / 2016 年第九).
        ("date", "广东哪一年排名第九？", RANKING),
        # No confident slot: the words around the question word are not in the sentence.
        ("who", "谁任领导小组组长？", LEADING_GROUP),
        ("other", "数据共享的前提是什么？", "数据确权是数据共享和流通的前提。"),
        ("place", "数字政府改革在哪里率先开展？", LEADING_GROUP),
        # Asks that no phrase answers.
        ("definition", "什么是数字政府？", LEADING_GROUP),
        ("list", "数字政府建设面临哪些困境？", LEADING_GROUP),
        # Blank or unrelated input.
        ("who", "谁？", ""),
        ("number", "有多少？", "   "),
    ],
)
def test_answer_phrase_says_none_when_unsure(asked, question, sentence):
    assert answer_phrase(asked, question, sentence) is None


def test_answer_phrase_works_the_same_on_traditional_text():
    simplified = phrase("who", "广东数字政府改革建设工作领导小组由谁担任组长？", LEADING_GROUP)
    traditional_sentence = (
        "廣東認真貫徹落實習近平關于數字中國與網絡強國建設的重要論述和戰略部署,高度重視數字政府建設,"
        "成立由省長任組長的“數字政府”改革建設工作領導小組,制定總體規劃和建設方案。"
    )
    assert simplified == "省长"
    assert phrase("who", "廣東數字政府改革建設工作領導小組由誰擔任組長？", traditional_sentence) == "省長"


def test_answer_phrase_is_never_long():
    sentence = (
        "數字政府廣義上是指運用大數據、物聯網、云計算、人工智能等新一代信息技術,經由辦公設施的電子化到"
        "行政模式的數字化,不斷提升政府治理能力,革新政府治理模式。"
    )
    assert sentence in seed_text()
    assert answer_phrase("other", "数字政府广义上是指什么？", sentence) is None


def test_card_line_with_several_fields():
    line = "发布时间:2022-05-12 11:01   来源:城市怎么办"
    assert phrase("other", "这篇文章的来源是哪里？", line) == "城市怎么办"
    assert phrase("date", "文章哪天发布？", line) == "2022-05-12 11:01"
    assert phrase("who", "作者是谁？", line) is None


# --- list_items --------------------------------------------------------------------------------


def items(text: str, near: int | None = None) -> list[str]:
    return [text[s:e] for s, e in list_items(text, near)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "这些困境主要体现为政府治理理念不完善、政务信息共享难度大、业务数据安全隐患高、多元主体参与程度低。",
            ["政府治理理念不完善", "政务信息共享难度大", "业务数据安全隐患高", "多元主体参与程度低"],
        ),
        (
            "社会凝聚不强导致数字政府高质量发展不足,主要体现为利益诉求不一致、政民互动不充足和社会规范不完善。",
            ["利益诉求不一致", "政民互动不充足", "社会规范不完善"],
        ),
        (
            "主要体现在利益诉求不一致、政民互动不充足、社会规范不完善三个方面",
            ["利益诉求不一致", "政民互动不充足", "社会规范不完善"],
        ),
        (
            "数字政府高质量发展还存在信息共享难度大的困境,主要包括政务信息不愿共享、不会共享、不敢共享三个方面。",
            ["政务信息不愿共享", "不会共享", "不敢共享"],
        ),
        (
            "现阶段导致数字政府发展滞后的深层原因体现为社会经济保障不足、社会凝聚不强、社会信任不深以及社会赋权不够四个方面。",
            ["社会经济保障不足", "社会凝聚不强", "社会信任不深", "社会赋权不够"],
        ),
        (
            "一是构建协调沟通机制。只有跨界治理参与主体充分沟通才能实现信息、资源等要素的共享和流动。"
            "二是完善资源整合机制。通过各自优势资源互换弥补单一主体能力不足;三是构建评价与监督机制。",
            ["构建协调沟通机制", "完善资源整合机制", "构建评价与监督机制"],
        ),
        (
            "一是政務平台面臨嚴峻挑戰。二是政務人員缺乏數據安全意識。三是是數據安全法律建設滯後。",
            ["政務平台面臨嚴峻挑戰", "政務人員缺乏數據安全意識", "數據安全法律建設滯後"],
        ),
        (
            "首先,民生服务均等化不足。现阶段广大年轻群体可以快速学习数字技术应用。其次,环境服务精准化不足。"
            "政务服务智能化的程度并不是越高越好。最后,经济服务标准化不足。",
            ["民生服务均等化不足", "环境服务精准化不足", "经济服务标准化不足"],
        ),
        (
            "第一,跨縱向權力線的行政層級邊界。這里指的是“條條管理”。第二,跨行政區域的地理邊界。"
            "第三,跨橫向職能線的政府部門邊界。第四,跨公私不同主體邊界。",
            ["跨縱向權力線的行政層級邊界", "跨行政區域的地理邊界", "跨橫向職能線的政府部門邊界", "跨公私不同主體邊界"],
        ),
        (
            "(一)跨界治理与数字政府建设的理论联系\n数字政府建设是一场创新。\n(二)跨界治理对数字政府建设的现实观照\n",
            ["跨界治理与数字政府建设的理论联系", "跨界治理对数字政府建设的现实观照"],
        ),
        (
            "1.聚焦數字政府建設核心,實現全過程人民民主\n無論是電子政務還是數字政府。\n2.明確數字政府建設目標,實現政府職能轉變\n",
            ["聚焦數字政府建設核心,實現全過程人民民主", "明確數字政府建設目標,實現政府職能轉變"],
        ),
        (
            "將數字政府治理模式劃分為統合模式、開放模式、直連模式、聯動模式,從戰略、制度層面探討。",
            ["統合模式", "開放模式", "直連模式", "聯動模式"],
        ),
        (
            "設計一套包括滿意度、有效性、數量、比例等“軟”“硬”指標相結合的數字政府建設評估體系。",
            ["滿意度", "有效性", "數量", "比例"],
        ),
    ],
)
def test_list_items(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "数据确权是数据共享和流通的前提。",
        "一是政务平台面临严峻挑战。",  # one item is no list
        "统一是前提,第一项重大任务已经完成。",  # 一是 / 第一 inside words
        "主要体现为在社会经济保障上以供给优质服务为宗旨,在社会凝聚上以促进集约共享为原则。",
        "2020 年 5 月，国务院办公厅开展 2019.5 评估。",
        "其次,环境服务精准化不足。",  # 其次 without 首先
    ],
)
def test_list_items_none(text):
    assert list_items(text) == []


def test_list_items_prefers_the_enumeration_near_the_given_offset():
    text = (
        "其创新价值主要体现在政务沟通、政务协同、移动办公和应用建设的方式层面。"
        "这些困境主要体现为政府治理理念不完善、政务信息共享难度大、业务数据安全隐患高、多元主体参与程度低。"
    )
    assert items(text) == ["政务沟通", "政务协同", "移动办公", "应用建设"]
    assert items(text, near=text.index("这些困境"))[0] == "政府治理理念不完善"


# --- numbered_heading --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, expected",
    [
        ("1.政府治理理念不完善。", ("1.", "政府治理理念不完善")),
        ("一、社会质量视角下数字政府发展的现实困境 > 2.政务信息共享难度大。", ("2.", "政务信息共享难度大")),
        ("(三)行动调适:数字政府建设的跨界领导作用", ("(三)", "行动调适:数字政府建设的跨界领导作用")),
        ("（五）创新工具应用，推动颠覆性技术与政府治理深度融合", ("（五）", "创新工具应用，推动颠覆性技术与政府治理深度融合")),
        ("一、跨界治理:数字政府建设研究的新视角", ("一、", "跨界治理:数字政府建设研究的新视角")),
        ("3.筑牢數據安全,保障社會長治久安", ("3.", "筑牢數據安全,保障社會長治久安")),
        ("第二、推進部門協同", ("第二、", "推進部門協同")),
        ("4、社会赋权不够", ("4、", "社会赋权不够")),
        ("②多元主体参与", ("②", "多元主体参与")),
        ("二、社会质量视角下数字政府发展滞后的深层原因 > 4.社会赋权不够。", ("4.", "社会赋权不够")),
    ],
)
def test_numbered_heading(section, expected):
    assert numbered_heading(section) == expected


@pytest.mark.parametrize(
    "section",
    ["", "問題的提出", "主體價值共識仍需凝聚", "2019年数字政府建设", "1.", "文章信息", "一网通办"],
)
def test_numbered_heading_none(section):
    assert numbered_heading(section) is None


# --- properties --------------------------------------------------------------------------------

_ALPHABET = (
    "一二三四五是第首先其次最后包括体现为和以及等方面、，。；：:;,.()（）1234567890年月日个项"
    "谁什么多少由任组长广东省數據政府“”《》 \n①②"
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=80)
_ASKED = st.sampled_from(["who", "date", "number", "place", "other", "list", "definition"])


@settings(max_examples=300, deadline=None)
@given(_ASKED, _TEXT, _TEXT)
def test_answer_phrase_spans_are_in_bounds(asked, question, sentence):
    span = answer_phrase(asked, question, sentence)
    if span is not None:
        start, end = span
        assert 0 <= start < end <= len(sentence)
        assert end - start <= 20 and sentence[start:end].strip()


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.none() | st.integers(min_value=0, max_value=100))
def test_list_items_are_ordered_non_overlapping_and_non_empty(text, near):
    spans = list_items(text, near)
    assert len(spans) != 1
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text)
        previous = end


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_aligned_view_keeps_length(text):
    assert len(aligned_view(text)) == len(text)
