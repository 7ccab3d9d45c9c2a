"""The local transformers generator, on a tiny randomly initialised Qwen2 built here."""

from __future__ import annotations

import pytest

from rag.answer.local_transformers import TransformersGenerator
from rag.answer.prompts import REFUSAL

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIALS = ["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]


@pytest.fixture(scope="module")
def tiny_qwen(tmp_path_factory, tiny_index):
    """A 2-layer Qwen2 with a character-level tokenizer over the prompt and corpus characters."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    from rag.answer import prompts

    texts = [p.read_text(encoding="utf-8") for p in (tiny_index.parent / "seeds").glob("*.txt")]
    texts += [prompts.SYSTEM_PROMPT, prompts.USER_TEMPLATE, prompts.PASSAGE_TEMPLATE, "0123456789[]？?"]
    chars = sorted({c for t in texts for c in t} | set("abcdefghijklmnopqrstuvwxyz"))
    vocab = {token: i for i, token in enumerate(SPECIALS + chars)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    backend.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", pad_token="<|endoftext|>", eos_token="<|im_end|>",
        additional_special_tokens=["<|im_start|>"],
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=8192,
        eos_token_id=vocab["<|im_end|>"], pad_token_id=vocab["<|endoftext|>"],
    )
    folder = tmp_path_factory.mktemp("tiny-qwen")
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.slow
def test_garbage_from_a_random_model_never_reaches_the_user(tiny_qwen, tiny_pipeline):
    generator = TransformersGenerator(str(tiny_qwen), max_new_tokens=24).load()
    hits = tiny_pipeline.search("广东数字政府改革建设工作领导小组由谁担任组长？", top_k=3)
    items = list(generator.stream("广东数字政府改革建设工作领导小组由谁担任组长？", hits))
    deltas, answer = [i for i in items if isinstance(i, str)], items[-1]
    assert deltas  # it really generated text
    assert answer.generator == "transformers"
    if answer.refused:
        assert answer.text == REFUSAL
    else:  # anything that survived is cited and supported
        assert all(s.citations and s.supported for s in answer.sentences)


@pytest.mark.slow
def test_loads_only_local_folders(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        TransformersGenerator(str(tmp_path / "missing")).load()
    with pytest.raises(ValueError, match="llm_model_dir"):
        TransformersGenerator("")


@pytest.mark.slow
def test_works_through_the_pipeline(tiny_qwen, with_generator):
    generator = TransformersGenerator(str(tiny_qwen), max_new_tokens=16)
    answer = with_generator(generator).run("数据烟囱在哪些方面造成了问题？")
    assert answer.refused or all(s.supported for s in answer.sentences)
    assert answer.timings_ms["generate"] > 0 or answer.refused
