"""The questionnaire codebook: questions, options with codes, required answers, skip logic.

The codebook is a YAML file (``surveys/questionnaire.yaml``) read into pydantic models, so that a
codebook a member edits by hand is checked when it is loaded (unknown type, duplicate id, a
``show_if`` pointing at a question that does not exist …) and the error names the file.

``table_schema`` derives a Frictionless table schema from the codebook, either of the raw export
(headers = question texts, as Google Forms writes them) or of the tidy table ``io`` returns
(headers = question ids).

Versions (調査の年次): a later wave's codebook may name the codebook it follows (``previous``, a
path relative to the file) and, per question, what it continues (``continues``: the earlier
question id and how old option codes map to new ones). Without ``continues`` a question continues
the earlier question with the same id and the same option codes, so a codebook without version
information reads as before. See :class:`Continuation`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cntf_workbench.errors import CntfError
from cntf_workbench.resources import data_root
from cntf_workbench.survey.i18n import pick

QuestionType = Literal["single", "multi", "likert5", "number", "text"]

#: Columns that survey tools add before the questions; never reported as unknown.
META_COLUMNS: tuple[str, ...] = (
    "タイムスタンプ",
    "Timestamp",
    "メールアドレス",
    "Email Address",
    "ID",
    "開始時刻",
    "完了時刻",
    "メール",
    "名前",
    "最終変更時刻",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Last modified time",
)

#: Header names taken as a respondent id column, in order of preference.
ID_COLUMNS: tuple[str, ...] = ("respondent_id", "回答者ID", "ID", "メールアドレス", "Email Address")


class SurveyError(CntfError):
    """A survey export or codebook cannot be used (unreadable, wrong format, invalid answers)."""

    area = "アンケート"


#: Characters that cp932 round trips change (WAVE DASH 〜 comes back as FULLWIDTH TILDE ～,
#: MINUS SIGN − as FULLWIDTH HYPHEN-MINUS －, ‖ as ∥): folded after NFKC so labels still match.
_CP932_FOLD = str.maketrans({"〜": "~", "−": "-", "‖": "∥", "—": "―"})


def normalize_text(text: str) -> str:
    """NFKC-normalise, fold cp932 look-alikes, strip and collapse white space.

    Used to match headers and option labels, so that a file saved by Excel in cp932 (where
    ``〜`` becomes ``～``) or typed with full-width characters still matches the codebook.
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).translate(_CP932_FOLD).split())


class Option(BaseModel):
    """One answer option: a stable code and the label the form shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    label: str
    label_en: str = ""

    def label_in(self, lang: str = "ja") -> str:
        """The label in ``lang`` (``"en"``: ``label_en``, the Japanese when it is empty)."""
        return pick(self.label, self.label_en, lang)


class ShowIf(BaseModel):
    """Skip logic: ask the question only when ``question`` was answered with one of ``any_of``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    any_of: list[str]


class Continuation(BaseModel):
    """What a question continues from the previous wave's codebook.

    Attributes
    ----------
    id : str, optional
        The earlier question id (default: the same id; ids are meant to stay stable).
    options : dict of str to str or list of str
        Old option code → new option code(s). An old code missing here maps to the new option
        with the same code when there is one. Several old codes mapping to one new code is a
        **merge**, one old code to a different new code a **rename**, one old code to a list of
        new codes a **split** (not one-to-one: the waves are then compared only at the coarser
        level, the old option against the union of its parts).
    dropped : list of str
        Old option codes that were removed without a successor (answers with them cannot be
        aligned; the question is reported as not aligned).
    new : bool
        The question is new in this wave although a question with its id existed before (it is
        not compared).
    note : str
        Why it changed (shown in reports).
    note_en : str
        ``note`` in English (English reports; the Japanese is used when empty).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    options: dict[str, str | list[str]] = Field(default_factory=dict)
    dropped: list[str] = Field(default_factory=list)
    new: bool = False
    note: str = ""
    note_en: str = ""

    def note_in(self, lang: str = "ja") -> str:
        """``note`` in ``lang``."""
        return pick(self.note, self.note_en, lang)

    def targets(self, old_code: str) -> list[str]:
        """New codes an old option code maps to (explicit mapping only; ``[]`` if none)."""
        value = self.options.get(old_code)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


class Question(BaseModel):
    """One question of the codebook.

    Attributes
    ----------
    id : str
        Stable identifier (a column of the tidy table).
    text : str
        Japanese question text, as the export's header.
    text_en : str
        English question text (English forms and reports; an export with these headers
        is read too).
    type : {"single", "multi", "likert5", "number", "text"}
    options : list of Option
        For ``single`` and ``multi``; for ``likert5`` the codebook's 5-point scale.
    required : bool
        An answer is required when the question is shown.
    show_if : ShowIf, optional
        Skip logic.
    allow_other : bool
        A multi/single question with a free "その他" entry: text that is no option is coded
        ``other`` instead of being reported.
    min, max : float, optional
        Range of a ``number`` question [``unit``].
    continues : Continuation, optional
        Version information: the earlier question and option mapping (see ``Continuation``).
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    section: str = ""
    text: str
    text_en: str = ""
    type: QuestionType
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    show_if: ShowIf | None = None
    allow_other: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    continues: Continuation | None = None

    @model_validator(mode="after")
    def _check_options(self) -> Question:
        if self.type in ("single", "multi") and not self.options:
            raise ValueError(f"question {self.id}: a {self.type} question needs options")
        if self.type in ("number", "text") and self.options:
            raise ValueError(f"question {self.id}: a {self.type} question has no options")
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.id}: duplicate option codes")
        labels = [normalize_text(o.label) for o in self.options]
        if len(set(labels)) != len(labels):
            raise ValueError(f"question {self.id}: duplicate option labels")
        if self.allow_other and "other" not in codes:
            raise ValueError(f"question {self.id}: allow_other needs an option with code 'other'")
        if self.continues is not None and self.type != "likert5":
            unknown = sorted(
                {c for old in self.continues.options for c in self.continues.targets(old)}
                - set(codes)
            )
            if unknown:
                raise ValueError(
                    f"question {self.id}: continues.options maps to unknown codes {unknown}"
                )
            both = set(self.continues.options) & set(self.continues.dropped)
            if both:
                raise ValueError(
                    f"question {self.id}: codes {sorted(both)} are both mapped and dropped"
                )
        return self

    @property
    def previous_id(self) -> str | None:
        """The earlier question id this question continues (None when new)."""
        if self.continues is None:
            return self.id
        if self.continues.new:
            return None
        return self.continues.id or self.id

    def code_of(self) -> dict[str, str]:
        """Map normalised option label, code and English label → code.

        The Japanese labels and the codes win over an English label that happens to equal one
        of them, so an English answer sheet reads back without changing how Japanese reads.
        """
        table = {normalize_text(o.label): o.code for o in self.options}
        table.update({o.code: o.code for o in self.options})
        for o in self.options:
            if o.label_en:
                table.setdefault(normalize_text(o.label_en), o.code)
        return table

    def label_of(self, lang: str = "ja") -> dict[str, str]:
        """Map code → label (in ``lang``)."""
        return {o.code: o.label_in(lang) for o in self.options}

    def text_in(self, lang: str = "ja") -> str:
        """The question text in ``lang`` (``"en"``: ``text_en``, else the Japanese)."""
        return pick(self.text, self.text_en, lang)


class Section(BaseModel):
    """A page of the form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    title_en: str = ""

    def title_in(self, lang: str = "ja") -> str:
        """The title in ``lang``."""
        return pick(self.title, self.title_en, lang)


class Codebook(BaseModel):
    """The whole questionnaire.

    Attributes
    ----------
    questions : list of Question
        In the form's order; ``likert5`` questions get ``likert5_scale`` as options.
    source : str
        Where the questionnaire comes from.
    version : str
        The codebook's version (e.g. the survey year).
    wave : str
        The survey wave it is used for (e.g. ``"2027"``), shown in comparisons.
    previous : str, optional
        The previous wave's codebook, relative to this file (``previous_codebook`` loads it).
    path : str, optional
        The YAML file it was read from.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    title_en: str = ""
    version: str = ""
    wave: str = ""
    previous: str | None = None
    source: str = ""
    likert5_scale: list[Option]
    sections: list[Section] = Field(default_factory=list)
    questions: list[Question]
    path: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Codebook:
        if [o.code for o in self.likert5_scale] != ["1", "2", "3", "4", "5"]:
            raise ValueError("likert5_scale must have the codes 1 to 5 in order")
        ids = [q.id for q in self.questions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate question ids: {dup}")
        texts = [normalize_text(q.text) for q in self.questions]
        if len(set(texts)) != len(texts):
            raise ValueError("two questions have the same text (headers would be ambiguous)")
        known = {q.id: q for q in self.questions}
        section_ids = {s.id for s in self.sections}
        for q in self.questions:
            if q.type == "likert5" and not q.options:
                q.options = list(self.likert5_scale)
            if section_ids and q.section and q.section not in section_ids:
                raise ValueError(f"question {q.id}: unknown section {q.section}")
            if q.show_if is not None:
                target = known.get(q.show_if.question)
                if target is None or ids.index(target.id) >= ids.index(q.id):
                    raise ValueError(
                        f"question {q.id}: show_if refers to {q.show_if.question}, "
                        "which is not an earlier question"
                    )
                bad = set(q.show_if.any_of) - {o.code for o in target.options}
                if bad:
                    raise ValueError(f"question {q.id}: show_if codes {sorted(bad)} unknown")
        return self

    def title_in(self, lang: str = "ja") -> str:
        """The questionnaire's title in ``lang``."""
        return pick(self.title, self.title_en, lang)

    def __getitem__(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @property
    def ids(self) -> list[str]:
        """Question ids in the form's order."""
        return [q.id for q in self.questions]

    def by_type(self, *types: str) -> list[Question]:
        """Questions of the given types, in order."""
        return [q for q in self.questions if q.type in types]

    def profile_ids(self) -> list[str]:
        """Ids of the profile questions (section ``profile``)."""
        return [q.id for q in self.questions if q.section == "profile"]


def previous_codebook(codebook: Codebook) -> Codebook | None:
    """Load the codebook named by ``codebook.previous`` (relative to its file), or None.

    Raises
    ------
    SurveyError
        ``previous`` is set but the file cannot be loaded (the message names it).
    """
    if not codebook.previous:
        return None
    base = Path(codebook.path).parent if codebook.path else default_codebook_path().parent
    return load_codebook(base / codebook.previous)


def default_codebook_path() -> Path:
    """The shipped questionnaire, ``surveys/questionnaire.yaml``."""
    return data_root("surveys") / "questionnaire.yaml"


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and check a codebook.

    Parameters
    ----------
    path : str or Path, optional
        A codebook YAML; the shipped questionnaire when omitted.

    Returns
    -------
    Codebook

    Raises
    ------
    SurveyError
        The file is missing, not YAML, or not a valid codebook (the message says what).
    """
    file = Path(path) if path is not None else default_codebook_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyError("コードブックが見つかりません", file=file) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SurveyError(f"コードブックを YAML として読めません: {exc}", file=file) from None
    if not isinstance(raw, dict):
        raise SurveyError("コードブックの形式が違います（YAML の辞書が必要です）", file=file)
    try:
        book = Codebook.model_validate({**raw, "path": str(file)})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SurveyError(
            f"コードブックが不正です: {where}: {first['msg']}（全{exc.error_count()}件）", file=file
        ) from None
    return book


def table_schema(codebook: Codebook | None = None, header: str = "text") -> dict[str, Any]:
    """Derive a Frictionless table schema from the codebook.

    Parameters
    ----------
    codebook : Codebook, optional
        The shipped questionnaire when omitted.
    header : {"text", "id"}
        ``"text"``: the raw export (a ``タイムスタンプ`` column, then one column per question named
        by its text, multi-select answers joined with ``", "``); ``"id"``: the tidy table of
        ``io.load_responses`` (``respondent_id`` then one column per question id, codes).

    Returns
    -------
    dict
        A Frictionless Table Schema (``fields`` with ``name``, ``type``, ``title``,
        ``description``, ``constraints``; custom keys ``questionId``, ``questionType``).
    """
    book = codebook if codebook is not None else load_codebook()
    if header not in ("text", "id"):
        raise ValueError("header must be 'text' or 'id'")
    fields: list[dict[str, Any]] = []
    if header == "text":
        fields.append(
            {
                "name": "タイムスタンプ",
                "type": "string",
                "format": "default",
                "description": "回答日時 (Google Forms: YYYY/MM/DD HH:MM:SS, Asia/Tokyo)",
            }
        )
    else:
        fields.append(
            {
                "name": "respondent_id",
                "type": "string",
                "description": "回答者ID（エクスポートに ID 列がなければデータ行番号）",
                "constraints": {"required": True, "unique": True},
            }
        )
    for q in book.questions:
        field: dict[str, Any] = {
            "name": q.text if header == "text" else q.id,
            "title": q.text_en or q.id,
            "description": q.text,
            "questionId": q.id,
            "questionType": q.type,
        }
        constraints: dict[str, Any] = {}
        if q.required and q.show_if is None:
            constraints["required"] = True
        if q.type == "single":
            field["type"] = "string"
            constraints["enum"] = [o.label if header == "text" else o.code for o in q.options]
            if q.allow_other:
                constraints.pop("enum")
        elif q.type == "multi":
            field["type"] = "string" if header == "text" else "array"
            field["description"] += (
                "（複数選択: 選択肢を「, 」で連結）"
                if header == "text"
                else "（複数選択: コードの配列）"
            )
            field["options"] = [
                {"code": o.code, "label": o.label, "label_en": o.label_en} for o in q.options
            ]
        elif q.type == "likert5":
            field["type"] = "integer"
            constraints.update({"minimum": 1, "maximum": 5})
            field["scale"] = [{"value": int(o.code), "label": o.label} for o in q.options]
        elif q.type == "number":
            field["type"] = "integer" if q.integer else "number"
            if q.min is not None:
                constraints["minimum"] = int(q.min) if q.integer else q.min
            if q.max is not None:
                constraints["maximum"] = int(q.max) if q.integer else q.max
            if q.unit:
                field["unit"] = q.unit
        else:
            field["type"] = "string"
        if q.show_if is not None:
            field["showIf"] = {"question": q.show_if.question, "anyOf": list(q.show_if.any_of)}
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if header == "id":
        schema["primaryKey"] = ["respondent_id"]
    return schema


__all__ = [
    "ID_COLUMNS",
    "META_COLUMNS",
    "Codebook",
    "Continuation",
    "Option",
    "Question",
    "Section",
    "ShowIf",
    "SurveyError",
    "default_codebook_path",
    "load_codebook",
    "normalize_text",
    "previous_codebook",
    "table_schema",
]
