"""A tiny sentence-transformers model built on the spot: no download, no bundled weights.

A two-layer BERT with random (seeded) weights, a WordPiece tokenizer built with the
``tokenizers`` library over a small vocabulary, and mean pooling, saved as a
SentenceTransformer folder. Its vectors mean nothing; it exercises the loading and
encoding code paths of any model folder a study may name.
"""

from __future__ import annotations

from pathlib import Path

WORDS = (
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "troops",
    "army",
    "soldiers",
    "front",
    "war",
    "city",
    "river",
    "report",
    "said",
    "ministry",
    "officials",
    "heroes",
    "fodder",
    "sacrifice",
    "families",
    "news",
    "north",
    "south",
    "east",
    "west",
    "capital",
)


def build_tiny_model(folder: Path) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6 moved the modules
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Pooling, Transformer
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertModel, BertTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = {
        tok: i for i, tok in enumerate([*specials, *WORDS, *letters, *("##" + c for c in letters)])
    }
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tok.decoder = decoders.WordPiece()
    fast = BertTokenizerFast(tokenizer_object=tok, model_max_length=64)
    fast.add_special_tokens(
        {
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "cls_token": "[CLS]",
            "sep_token": "[SEP]",
            "mask_token": "[MASK]",
        }
    )
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    hf = folder / "hf"
    BertModel(config).save_pretrained(hf)
    fast.save_pretrained(hf)
    transformer = Transformer(str(hf), max_seq_length=64)
    pooling = Pooling(config.hidden_size, pooling_mode="mean")
    target = folder / "tiny-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(target))
    return target
