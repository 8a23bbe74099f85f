"""API tokens over the API: obtain one with a username and password, revoke the one in use, or
revoke all of one's own. The work is done by kernel/tokens.py."""

from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.views import LoginView
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel import tokens

TokenResponse = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(
            help_text="令牌，仅此一次返回；请求时放在 Authorization: Token <令牌>"
        ),
        "expiry": serializers.DateTimeField(help_text="过期时间"),
    },
)


class ObtainTokenView(LoginView):
    """Username and password in, a new token out (the same request as before: a form or JSON
    with `username` and `password`); failed attempts count towards the login lock (axes)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=AuthTokenSerializer, responses=TokenResponse)
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, text = tokens.api_token_issue(acting_user=serializer.validated_data["user"])
        return Response({"token": text, "expiry": self.format_expiry_datetime(token.expiry)})


class RevokeTokenView(APIView):
    """Revoke the token this request is signed with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None})
    def post(self, request, format=None):
        tokens.api_token_revoke(digest=request.auth.digest, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllTokensView(APIView):
    """Revoke every token of the signed-in user (signed with a token or the web session)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("RevokedTokens", {"revoked": serializers.IntegerField()}),
    )
    def post(self, request, format=None):
        revoked = tokens.api_tokens_revoke_all(
            user=request.user, acting_user=request.user, reason="revoked by the owner"
        )
        return Response({"revoked": revoked})
