"""Reviewer annotations as terms, and similar annotations grouped (pure).

English is lower-cased and split into words; Chinese runs are segmented with jieba, whose
dictionary loads only when a Chinese annotation is first tokenised (it takes about a second)."""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Average-linkage cosine distance under which annotations count as saying the same thing: two
# reviewers paraphrasing one pattern measured 0.3-0.67 apart, notes on different patterns that share
# words ("new address", "withdrawal") 0.7 and more.
DISTANCE_THRESHOLD = 0.7
# Above this many distinct texts the pairwise distances would not fit comfortably in memory.
MAX_AGGLOMERATIVE = 2000
LABEL_TERMS = 4
UNCLUSTERED = -1

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")  # keeps signal ids such as ato.new_device whole
# Contractions split at the apostrophe, and words nearly every risk annotation uses.
_ENGLISH_EXTRA_STOP = frozenset(
    {"didn", "doesn", "isn", "wasn", "aren", "weren", "don", "won", "roca", "customer", "user", "account"}
)
# Function words and connectives that jieba returns as words of their own.
_CHINESE_FUNCTION_WORDS = (
    "的 了 和 与 及 或 是 在 也 都 而 就 但 对 被 把 让 向 从 这 那 其 该 此 有 没有 为 以 等 之 于 "
    "上 中 下 不 很 又 还 并 且 则 即 如 若 所 个 些 我 我们 他 他们 她 它 你 着 过 吧 呢 吗 啊 将 "
    "已 已经 会 能 可 可以 应 应该 需要 没 未 无 更 最 再 因为 所以 由于 因此 但是 如果 虽然 然后 "
    "以及 这个 那个 这些 那些 一个 进行 通过 之后 之前 时 后 前 均 所有 用户 账户 客户"
)
_CHINESE_STOP = frozenset(_CHINESE_FUNCTION_WORDS.split())


@dataclass(frozen=True, slots=True)
class Clustering:
    """``assignment[i]`` is the cluster of ``texts[i]`` (UNCLUSTERED when it has no terms);
    ``terms[c]`` are cluster c's most characteristic terms, strongest first."""

    assignment: list[int]
    terms: list[tuple[str, ...]]


def tokens(text: str) -> list[str]:
    """Content terms of one annotation: words without stop words, numbers or punctuation."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    found: list[str] = []
    position = 0
    for run in _CJK_RUN.finditer(lowered):
        found += _latin_tokens(lowered[position : run.start()])
        found += _chinese_tokens(run.group())
        position = run.end()
    return found + _latin_tokens(lowered[position:])


def cluster_texts(
    texts: Sequence[str], threshold: float = DISTANCE_THRESHOLD, max_agglomerative: int = MAX_AGGLOMERATIVE
) -> Clustering:
    """Group annotations by TF-IDF cosine similarity; identical texts always share a cluster."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn loads when there is text

    distinct = sorted(set(texts))
    kept = [text for text in distinct if tokens(text)]
    if not kept:
        return Clustering([UNCLUSTERED] * len(texts), [])
    vectorizer = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True)
    matrix = vectorizer.fit_transform(kept).tocsr()  # rows L2-normalised; kept sparse for large inputs
    labels = _labels(matrix, threshold, max_agglomerative)
    of_text = dict(zip(kept, labels.tolist(), strict=True))
    counts = Counter(texts)
    weights = np.array([counts[text] for text in kept], dtype=float)
    names = vectorizer.get_feature_names_out()
    terms = [_top_terms(matrix[labels == c], weights[labels == c], names) for c in range(labels.max() + 1)]
    return Clustering([of_text.get(text, UNCLUSTERED) for text in texts], terms)


def _labels(matrix: csr_matrix, threshold: float, max_agglomerative: int) -> NDArray[np.intp]:
    from sklearn.cluster import AgglomerativeClustering, KMeans

    rows = matrix.shape[0]
    if rows == 1:
        return np.zeros(1, dtype=np.intp)
    if rows > max_agglomerative:
        # Rows are L2-normalised, so Euclidean k-means approximates cosine grouping.
        k = int(min(50, max(2, np.sqrt(rows / 2))))
        return np.asarray(KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(matrix), dtype=np.intp)
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return np.asarray(model.fit_predict(distances), dtype=np.intp)


def _top_terms(rows: csr_matrix, weights: NDArray[np.float64], names: Sequence[str]) -> tuple[str, ...]:
    centre = np.asarray(rows.multiply(weights[:, None]).sum(axis=0)).ravel()
    order = np.argsort(-centre, kind="stable")[:LABEL_TERMS]
    return tuple(str(names[i]) for i in order if centre[i] > 0)


def _latin_tokens(text: str) -> list[str]:
    words = (_singular(word) for word in _LATIN_WORD.findall(text))
    return [
        word
        for word in words
        if len(word) > 1 and word not in _english_stop() and not word.replace(".", "").isdigit()
    ]


def _singular(word: str) -> str:
    """A crude plural fold (logins -> login, minutes -> minute), enough to match paraphrases."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and "." not in word:
        return word[:-1]
    return word


def _chinese_tokens(run: str) -> list[str]:
    """Words of two characters or more: single characters are mostly particles and fragments."""
    return [word for word in _segmenter()(run) if len(word) > 1 and word not in _CHINESE_STOP]


@cache
def _english_stop() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _ENGLISH_EXTRA_STOP


@cache
def _segmenter() -> Callable[[str], list[str]]:
    """jieba, loaded on first use.  jieba 0.42 predates Python 3.11: its regexes carry invalid
    escapes and it may import the deprecated pkg_resources, and it announces its dictionary on
    stderr; none of that concerns the report, so it is silenced here and only here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="invalid escape sequence", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message="invalid escape sequence", category=SyntaxWarning)
        warnings.filterwarnings("ignore", message=".*pkg_resources", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*pkg_resources", category=UserWarning)
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
    cut: Callable[[str], list[str]] = jieba.lcut
    return cut
