"""The ``cntf exchange`` commands: the CIOF exchange simulation (Japanese help and messages).

``exchange_app`` is registered as ``cntf exchange`` by ``cntf_workbench.cli``. Input errors print
one line and exit with 2; ``verify`` exits 1 when a document fails its checks.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cntf_workbench.cli_common import fail
from cntf_workbench.errors import CntfError

exchange_app = typer.Typer(
    help="CIOF データ連携: バケツリレー（1対1）と中央集約（多対1）を同じ企業で比べます",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@exchange_app.callback()
def _exchange() -> None:
    """CIOF データ連携シミュレーションのコマンド群（simulate, compare, pact, verify）。"""


class Model(StrEnum):
    relay = "relay"
    central = "central"


class Mode(StrEnum):
    silent = "silent"
    late = "late"
    refuse = "refuse"
    invalid = "invalid"


class Granularity(StrEnum):
    total = "total"
    stage = "stage"
    process = "process"


class Upload(StrEnum):
    process = "process"
    stage = "stage"


class Lang(StrEnum):
    ja = "ja"
    en = "en"


LangOpt = Annotated[Lang, typer.Option("--lang", help="表示の言語: ja（日本語）, en（English）")]


class Spec(StrEnum):
    v3 = "3"
    v2 = "2"


DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="企業データのフォルダ（省略時は同梱 data/seminar/exchange）"),
]
ProductOpt = Annotated[
    str | None,
    typer.Option("--product", help="最終製品「企業ID:品目コード」（省略時は最初の最終製品）"),
]
FailOpt = Annotated[
    list[str] | None,
    typer.Option("--fail", help="障害を起こす企業ID（何度でも指定可）"),
]
ModeOpt = Annotated[
    Mode,
    typer.Option(
        "--mode", help="障害の種類: silent（無応答）, late（遅延）, refuse（拒否）, invalid（不正）"
    ),
]


def _network(data: Path | None):
    from cntf_workbench.exchange.network import load_network

    return load_network(data)


def _product(net, text: str | None) -> tuple[str, str]:
    if text is None:
        return net.final_products()[0]
    firm, sep, item = text.partition(":")
    known = set(zip(net.products["firm_id"], net.products["item_code"], strict=False))
    if not sep or (firm, item) not in known:
        raise CntfError(
            f"製品「{text}」がありません（「企業ID:品目コード」、例: "
            f"{':'.join(net.final_products()[0])}）",
            column="--product",
        )
    return firm, item


def _faults(net, fail_ids: list[str] | None, mode: Mode, product: tuple[str, str]) -> dict:
    ids = set(net.firms["firm_id"])
    faults = {}
    for f in fail_ids or []:
        if f not in ids:
            raise CntfError(f"企業「{f}」がありません（{', '.join(sorted(ids))}）", column="--fail")
        if f == product[0]:
            raise CntfError(f"依頼元の最終製品メーカー {f} は障害にできません", column="--fail")
        faults[f] = mode.value
    return faults


def _run(model: str, net, product, faults, granularity, upload):
    from cntf_workbench.exchange import central, relay

    if model == "relay":
        return relay.simulate(
            net, product, faults=faults, granularity=None if granularity is None else granularity
        )
    return central.simulate(net, product, faults=faults, upload=upload)


@exchange_app.command("simulate", help="PULL 型の算定依頼を1回流し、総量・通信量・露出を表示します")
def simulate_cmd(
    model: Annotated[
        Model, typer.Option("--model", help="relay（バケツリレー）か central（中央集約）")
    ],
    fail_ids: FailOpt = None,
    mode: ModeOpt = Mode.silent,
    product: ProductOpt = None,
    granularity: Annotated[
        Granularity | None,
        typer.Option("--granularity", help="企業間契約の粒度を一律に変える（relay のみ）"),
    ] = None,
    upload: Annotated[
        Upload,
        typer.Option("--upload", help="中央集約で送るもの: process（活動量）, stage（段階別）"),
    ] = Upload.process,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON で出力")] = False,
    lang: LangOpt = Lang.ja,
) -> None:
    try:
        net = _network(data)
        prod = _product(net, product)
        faults = _faults(net, fail_ids, mode, prod)
        result = _run(
            model.value,
            net,
            prod,
            faults,
            None if granularity is None else granularity.value,
            upload.value,
        )
    except CntfError as exc:
        fail(exc)
    summary = result.summary()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    from cntf_workbench.exchange.metrics import MODEL_EN, MODEL_JA

    if lang == Lang.en:
        typer.echo(f"Model: {MODEL_EN[result.model]}  product: {summary['product']}")
        typer.echo(f"CFP: {summary['total_kg_co2e']:.3f} kg-CO2e/unit")
        typer.echo(f"Primary data share: {summary['primary_data_share']:.1%}")
        typer.echo(f"Messages: {summary['messages']}  bytes: {summary['bytes']:,}")
        typer.echo(
            f"Longest hop chain: {summary['hops']}  time to answer: "
            f"{summary['latency_hours']:.0f} h"
        )
        typer.echo(f"Private items visible to others: {summary['exposure']}")
        if summary["estimated"]:
            typer.echo(f"Estimated from secondary data: {', '.join(summary['estimated'])}")
        return
    typer.echo(f"モデル: {MODEL_JA[result.model]}　製品: {summary['product']}")
    typer.echo(f"CFP: {summary['total_kg_co2e']:.3f} kg-CO2e/単位")
    typer.echo(f"一次データ比率: {summary['primary_data_share']:.1%}")
    typer.echo(f"メッセージ: {summary['messages']} 件　バイト: {summary['bytes']:,}")
    typer.echo(
        f"最長ホップ: {summary['hops']}　回答までの時間: {summary['latency_hours']:.0f} 時間"
    )
    typer.echo(f"他社に見えた非公開項目: {summary['exposure']} 件")
    if summary["estimated"]:
        typer.echo(f"二次データで代替（推計）: {', '.join(summary['estimated'])}")


@exchange_app.command("compare", help="同じ企業・同じ依頼で二つのモデルを比べた表を表示します")
def compare_cmd(
    fail_ids: FailOpt = None,
    mode: ModeOpt = Mode.silent,
    product: ProductOpt = None,
    tier3: Annotated[
        str | None, typer.Option("--tier3", help="改善の伝わる時間を見る企業ID（例 WND）")
    ] = None,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON で出力")] = False,
    lang: LangOpt = Lang.ja,
) -> None:
    from cntf_workbench.exchange import central, metrics, relay

    try:
        net = _network(data)
        prod = _product(net, product)
        faults = _faults(net, fail_ids, mode, prod)
        if tier3 is not None and tier3 not in set(net.firms["firm_id"]):
            raise CntfError(f"企業「{tier3}」がありません", column="--tier3")
        r = relay.simulate(net, prod, faults=faults)
        c = central.simulate(net, prod, faults=faults)
        if tier3 is not None and (tier3 not in r.firm_sent_at or tier3 not in c.firm_sent_at):
            raise CntfError(f"{tier3} はこの実行で値を送っていません", column="--tier3")
    except CntfError as exc:
        fail(exc)
    if as_json:
        typer.echo(
            json.dumps({"relay": r.summary(), "central": c.summary()}, ensure_ascii=False, indent=2)
        )
        return
    table = metrics.compare(r, c, tier3, lang=lang.value).astype(object)
    typer.echo(table.map(lambda v: f"{v:,.6g}" if isinstance(v, float) else str(v)).to_string())


@exchange_app.command("pact", help="署名付きの PACT ProductFootprint（JSON）を書き出します")
def pact_cmd(
    product: Annotated[
        str,
        typer.Argument(
            help="cooker（セミナーの電子調理器）または「企業ID:品目コード」（連携シミュレーションの製品）"
        ),
    ],
    spec: Annotated[
        Spec, typer.Option("--spec", help="PACT のバージョン: 3（v3）か 2（v2.3）")
    ] = Spec.v3,
    output: Annotated[Path, typer.Option("-o", "--output", help="書き出す JSON ファイル")] = Path(
        "footprint.json"
    ),
    data: DataOpt = None,
) -> None:
    from cntf_workbench.exchange import export, pact

    try:
        if product == "cooker":
            doc = export.cooker_document(spec=spec.value)
        else:
            net = _network(data)
            doc = export.network_document(net, _product(net, product), spec=spec.value)
        pact.dump(doc, output)
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        fail(CntfError(f"書き出せません: {exc.strerror}", file=output))
    typer.echo(f"{output} に書き出しました（PACT v{spec.value}、署名付き）")


@exchange_app.command(
    "verify", help="PACT JSON の形式と署名を確かめます（正しければ 0、そうでなければ 1 で終了）"
)
def verify_cmd(
    file: Annotated[Path, typer.Argument(help="確かめる JSON ファイル")],
    require_signature: Annotated[
        bool, typer.Option("--require-signature", help="署名のない文書も不合格にする")
    ] = False,
    keyring: Annotated[
        Path | None,
        typer.Option("--keyring", help="信頼する公開鍵の JSON（{署名者: base64公開鍵}）"),
    ] = None,
) -> None:
    from cntf_workbench.exchange import pact, signing

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(CntfError("ファイルがありません", file=file))
    except (OSError, UnicodeDecodeError) as exc:
        fail(CntfError(f"読めません: {exc}", file=file))
    ring = None
    if keyring is not None:
        try:
            ring = json.loads(keyring.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(CntfError(f"鍵束を読めません: {exc}", file=keyring))
    try:
        doc = json.loads(text)
    except ValueError as exc:
        typer.echo(f"不合格: JSON として読めません（{exc}）", err=True)
        raise typer.Exit(code=1) from None
    if isinstance(doc, dict) and set(doc) == {"data"}:
        doc = doc["data"]
    problems = pact.validate(doc) if isinstance(doc, dict) else ["JSON オブジェクトではありません"]
    if problems:
        typer.echo(f"不合格: PACT の形式に合いません — {'; '.join(problems[:5])}", err=True)
        raise typer.Exit(code=1)
    if not signing.is_signed(doc):
        if require_signature:
            typer.echo("不合格: 署名がありません", err=True)
            raise typer.Exit(code=1)
        typer.echo("警告: 形式は正しいが署名がありません（改ざんを検出できません）", err=True)
        typer.echo("合格（署名なし）")
        return
    try:
        signed = signing.verify(doc, keyring=ring)
    except CntfError as exc:
        typer.echo(f"不合格: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if ring is None:
        typer.echo(
            "注意: 鍵束（--keyring）なしでは、署名者が本人かどうかまでは確かめていません", err=True
        )
    typer.echo(f"合格: 形式と署名を確認しました（署名者 {signed.signer}）")
