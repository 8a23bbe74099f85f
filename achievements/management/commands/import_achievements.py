"""Import achievements from an Excel sheet: the same importer as the upload page."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from achievements.services.discovery import achievement_import_sheet
from kernel.excel import WorkbookRejected
from towns.choices import Role
from towns.models import Unit, User


class _DryRun(Exception):
    pass


class _NothingValid(Exception):
    pass


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）导入科技成果：逐行检查并列出全部问题，"
        "有效行在一个事务中全部导入（或全部不导入）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--unit", required=True, help="发现单位代码，如 dgut、441900119")
        parser.add_argument(
            "--user",
            help="操作人用户名（默认为该单位的第一位成果联络员）",
        )
        parser.add_argument("--draft", action="store_true", help="导入为草稿，不提交至发现库")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument("--strict", action="store_true", help="有任何问题时一行也不导入")

    def handle(self, *args, file, unit, user, draft, dry_run, strict, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(_("单位代码“%(code)s”不存在。") % {"code": unit})
        acting_user = self._acting_user(user, unit_obj)
        try:
            with transaction.atomic(), path.open("rb") as handle:
                result, warnings, saved = achievement_import_sheet(
                    acting_user=acting_user,
                    uploaded=handle,
                    unit=unit_obj,
                    submit=not draft,
                    reason=_("Excel 导入（命令行）：%(name)s") % {"name": path.name},
                )
                self._report(result, warnings)
                if not saved:
                    raise _NothingValid
                if dry_run or (strict and result.issues):
                    raise _DryRun
        except _NothingValid:
            raise CommandError(_("没有可以导入的行，请按上面列出的问题修改文件。")) from None
        except _DryRun:
            verdict = _("仅检查") if dry_run else _("存在问题（--strict）")
            self.stdout.write(
                self.style.WARNING(
                    _("%(verdict)s，未导入任何数据；可导入 %(n)d 行。")
                    % {"verdict": verdict, "n": len(result.valid_rows)}
                )
            )
            return
        except WorkbookRejected as exc:
            raise CommandError(str(exc)) from exc
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(_("不能导入：%(reason)s") % {"reason": exc}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已导入 %(n)d 项成果到“%(unit)s”（%(status)s），跳过 %(skipped)d 行。")
                % {
                    "n": len(saved),
                    "unit": unit_obj.name,
                    "status": _("草稿") if draft else _("已提交至发现库"),
                    "skipped": len(result.rows) - len(saved),
                }
            )
        )

    def _acting_user(self, username: str | None, unit: Unit) -> User:
        if username:
            found = User.objects.filter(username=username, is_active=True).first()
            if found is None:
                raise CommandError(_("用户“%(name)s”不存在或已停用。") % {"name": username})
            if found.role == Role.LIAISON and found.unit_id != unit.pk:
                raise CommandError(
                    _("联络员“%(name)s”不属于“%(unit)s”。") % {"name": username, "unit": unit.name}
                )
            return found
        found = (
            User.objects.filter(role=Role.LIAISON, unit=unit, is_active=True).order_by("pk").first()
        )
        if found is None:
            raise CommandError(
                _("“%(unit)s”没有成果联络员，请用 --user 指定操作人。") % {"unit": unit.name}
            )
        return found

    def _report(self, result, warnings) -> None:
        self.stdout.write(
            _("读取 %(rows)d 行，有效 %(valid)d 行。")
            % {"rows": len(result.rows), "valid": len(result.valid_rows)}
        )
        for issue in result.issues:
            self.stdout.write(
                self.style.ERROR(_("  第 %(row)d 行 · %(column)s：%(message)s") % vars(issue))
            )
        for row, column, message in warnings:
            self.stdout.write(
                self.style.WARNING(
                    _("  第 %(row)d 行 · %(column)s：%(message)s（提示）")
                    % {"row": row, "column": column, "message": message}
                )
            )
