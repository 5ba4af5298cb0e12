"""Officials' pages, mounted at /can-bo/."""

from django.urls import path
from django.views.generic import RedirectView

from .views import auth, counter, dossier, inbox, stats

app_name = "backoffice"
urlpatterns = [
    path("", inbox.inbox_view, name="home"),
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth.LogoutView.as_view(), name="logout"),
    path("ho-so/", RedirectView.as_view(pattern_name="backoffice:home", query_string=True)),
    path("truc-tuyen/", inbox.online_intake, name="online_intake"),
    path("tra-ket-qua/", inbox.returns, name="returns"),
    path("tiep-nhan/", counter.start, name="counter"),
    path("tiep-nhan/nguoi-nop/", counter.applicant_lookup, name="applicant_lookup"),
    path("tiep-nhan/<str:code>/", counter.intake, name="intake"),
    path("huong-dan/<int:pk>/", counter.guidance, name="guidance"),
    path("cong-viec/", stats.my_work, name="my_work"),
    path("ho-so/<str:code>/", dossier.dossier, name="dossier"),
    path("ho-so/<str:code>/bien-nhan/", counter.receipt, name="receipt"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", dossier.act, name="act"),
    path("ho-so/<str:code>/ghi-chu/", dossier.add_note, name="note"),
    path("ho-so/<str:code>/tep/<int:file_id>/", dossier.file, name="file"),
    path("ho-so/<str:code>/in/<str:kind>.pdf", dossier.print_form, name="print"),
]
