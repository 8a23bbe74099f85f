import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_POST

from kernel import audit
from kernel.history import history_kind
from kernel.lists import FilteredListView
from kernel.parsing import parse_id
from kernel.tokens import api_token_revoke, api_tokens_of, api_tokens_revoke_all
from kernel.uploads import protected_file_response
from kernel.wording import clause_separator

from .choices import EnterpriseStatus
from .filters import EnterpriseFilter
from .forms import EnterpriseRegistrationForm, EnterpriseReviewForm
from .jobs import job_result_url
from .models import BackgroundJob, Enterprise
from .selectors import notifications_for
from .services import enterprise_register as enterprise_register_service
from .services import enterprise_review as enterprise_review_service
from .services import notification_mark_read, notification_settings_update

NOTIFICATIONS_PER_PAGE = 20


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("towns:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@login_required
def api_tokens(request):
    """The user's API tokens: when each was issued and expires; revoke one or all."""
    if request.method == "POST":
        if request.POST.get("all"):
            count = api_tokens_revoke_all(
                user=request.user, acting_user=request.user, reason="revoked by the owner"
            )
        else:
            count = api_token_revoke(
                digest=request.POST.get("digest", ""), acting_user=request.user
            )
        if count:
            messages.success(request, _("已撤销 %(count)d 个 API 令牌。") % {"count": count})
        else:
            messages.error(request, _("没有找到该令牌，可能已过期或已撤销。"))
        return redirect("towns:api_tokens")
    return render(
        request,
        "towns/api_tokens.html",
        {
            "page_obj": Paginator(api_tokens_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
    )


@login_required
def notification_list(request):
    only_unread = request.GET.get("unread") == "1"
    notifications = notifications_for(request.user)
    if only_unread:
        notifications = notifications.unread()
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "towns/notification_list.html",
        {"page_obj": page, "only_unread": only_unread},
    )


@login_required
def job_list(request):
    """My jobs: the long work I started, newest first, each with its progress and result."""
    jobs = BackgroundJob.objects.filter(owner=request.user)
    page = Paginator(jobs, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "towns/job_list.html", {"page_obj": page})


@login_required
def job_detail(request, pk: int):
    """One job's progress; htmx polls the bar (`?poll=1`) until the job is finished."""
    job = get_object_or_404(BackgroundJob.objects.filter(owner=request.user), pk=pk)
    context = {"job": job, "result_url": job_result_url(job)}
    if request.GET.get("poll"):
        return render(request, "towns/includes/job_progress.html", context)
    return render(request, "towns/job_detail.html", context)


@login_required
def job_download(request, pk: int):
    job = get_object_or_404(BackgroundJob.objects.filter(owner=request.user), pk=pk)
    if not job.result_file:
        raise Http404
    return protected_file_response(job.result_file, download_name=job.result_name)


@login_required
def notification_settings(request):
    """How one is told: a mail per notification, or one summary mail each morning."""
    if request.method == "POST":
        daily = request.POST.get("daily_digest") == "on"
        notification_settings_update(user=request.user, daily_digest=daily)
        messages.success(
            request,
            _("已改为每天早上汇总发送一封邮件。") if daily else _("已改为每条通知单独发送邮件。"),
        )
        return redirect("towns:notification_settings")
    return render(
        request,
        "towns/notification_settings.html",
        {"email_enabled": settings.NOTIFICATION_EMAIL_ENABLED},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("towns:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标记为已读。") % {"n": count})
    return redirect("towns:notification_list")


def enterprise_register(request):
    """A company registers itself; it can sign in at once and waits for staff approval."""
    if request.user.is_authenticated:
        return redirect("quotas:home")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = enterprise_register_service(
            name=data["name"],
            credit_code=data["credit_code"],
            division=data["division"],
            industry=data["industry"],
            address=data["address"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            email=data["email"],
            username=data["username"],
            password=data["password1"],
            kind=data["kind"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user.enterprise.is_venture_capital:
            text = _("注册成功！服务中心审核通过后，即可浏览待落地成果并表达投资意向。")
        else:
            text = _("注册成功！服务中心审核通过后，即可发布需求、表达合作意向和报名对接会。")
        messages.success(request, text)
        return redirect("quotas:home")
    return render(request, "towns/enterprise_register.html", {"form": form})


class EnterpriseReviewListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "towns.review_enterprise"
    template_name = "towns/enterprise_review_list.html"
    filterset_class = EnterpriseFilter
    sort_options = {
        "new": (_("最近注册"), ("-created_at", "-pk")),
        "name": (_("企业（机构）名称"), ("name", "pk")),
    }

    def get_scoped_queryset(self):
        return Enterprise.objects.select_related("division", "industry", "reviewed_by").annotate(
            user_count=Count("users")
        )

    def get_queryset(self):
        # Without a filter, the list opens on the registrations waiting for review.
        if not self.request.GET:
            return super().get_queryset().filter(status=EnterpriseStatus.PENDING)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        return super().get_context_data(review_form=EnterpriseReviewForm(), **kwargs)


@login_required
@require_POST
def enterprise_review(request, pk: int):
    if not request.user.has_perm("towns.review_enterprise"):
        raise PermissionDenied
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = EnterpriseReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    try:
        enterprise_review_service(enterprise, acting_user=request.user, approve=approve, note=note)
    except ValidationError as error:
        messages.error(request, clause_separator().join(error.messages))
    else:
        messages.success(
            request,
            (_("已通过：%(name)s") if approve else _("已退回：%(name)s"))
            % {"name": enterprise.name},
        )
    return redirect("towns:enterprise_review_list")


@login_required
def audit_trail(request):
    """Admins: who changed which record when, each field before and after (all business models)."""
    if not rules.has_perm("towns.view_audit_trail", request.user):
        raise PermissionDenied
    models_by_label = audit.audited_models()
    label = request.GET.get("model") or "achievements.achievement"
    model = models_by_label.get(label)
    if model is None:
        raise Http404
    object_id = parse_id(request.GET.get("object"))
    page, entries = audit.audit_page(
        model, object_id=object_id, page_number=request.GET.get("page", 1)
    )
    choices = sorted(
        (
            (key, f"{m._meta.app_config.verbose_name} · {m._meta.verbose_name}")
            for key, m in models_by_label.items()
        ),
        key=lambda item: item[1],
    )
    return render(
        request,
        "towns/audit_trail.html",
        {
            "model_choices": choices,
            "current_model": label,
            "model_name": model._meta.verbose_name,
            "object_id": object_id,
            "page_obj": page,
            "entries": entries,
        },
    )


@login_required
def record_history(request, record_kind: str, pk: int):
    """One record's history for staff, leaders and admins who may read the record itself."""
    if not rules.has_perm("towns.view_record_history", request.user):
        raise PermissionDenied
    described = history_kind(record_kind)
    if described is None:
        raise Http404
    record = get_object_or_404(described.readable(request.user), pk=pk)
    page, entries = audit.audit_page(
        described.model,
        object_id=record.pk,
        page_number=request.GET.get("page", 1),
        masked=described.masked(request.user, record),
    )
    return render(
        request,
        "towns/record_history.html",
        {
            "record": record,
            "model_name": described.model._meta.verbose_name,
            "record_url": described.page_url(record),
            "page_obj": page,
            "entries": entries,
        },
    )


def not_found(request, exception):
    """The 404 page; under /api/ a JSON body like every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)
