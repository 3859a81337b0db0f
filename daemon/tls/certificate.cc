#include "tls/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "tls/openssl_error.h"
#include "tls/openssl_util.h"

namespace handover::tls {
namespace {

using internal::BioPtr;
using internal::ReadFirstCertificate;

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
}

absl::StatusOr<absl::Time> ToTime(const ASN1_TIME* asn1) {
  struct tm tm = {};
  if (ASN1_TIME_to_tm(asn1, &tm) != 1) {
    return OpenSslError("bad certificate validity time");
  }
  absl::CivilSecond civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec);
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

std::string FormatDate(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::string> LoadCertificateChainPem(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFileBounded(path, kMaxPemFileBytes));
  auto certs = internal::ReadCertificates(pem);
  if (!certs.ok()) return Prefixed(path, certs.status());
  if (certs->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no PEM certificate found"));
  }
  return pem;
}

absl::StatusOr<int> CountCertificates(absl::string_view pem) {
  ASSIGN_OR_RETURN(auto certs, internal::ReadCertificates(pem));
  return static_cast<int>(certs.size());
}

absl::StatusOr<std::string> CertificateSha256Hex(absl::string_view pem) {
  ASSIGN_OR_RETURN(internal::X509Ptr cert, ReadFirstCertificate(pem));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1) {
    return OpenSslError("certificate digest");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    absl::StrAppendFormat(&hex, "%02x", digest[i]);
  }
  return hex;
}

absl::StatusOr<std::string> CertificateSubject(absl::string_view pem) {
  ASSIGN_OR_RETURN(internal::X509Ptr cert, ReadFirstCertificate(pem));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr) return OpenSslError("BIO_new");
  // RFC 2253 order and escaping, but UTF-8 left as it is for people.
  const unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (X509_NAME_print_ex(out.get(), X509_get_subject_name(cert.get()), 0,
                         flags) < 0) {
    return OpenSslError("certificate subject");
  }
  BUF_MEM* buffer = nullptr;
  BIO_get_mem_ptr(out.get(), &buffer);
  return std::string(buffer->data, buffer->length);
}

absl::StatusOr<CertificateValidity> GetCertificateValidity(
    absl::string_view pem) {
  ASSIGN_OR_RETURN(internal::X509Ptr cert, ReadFirstCertificate(pem));
  CertificateValidity validity;
  ASSIGN_OR_RETURN(validity.not_before,
                   ToTime(X509_get0_notBefore(cert.get())));
  ASSIGN_OR_RETURN(validity.not_after, ToTime(X509_get0_notAfter(cert.get())));
  return validity;
}

absl::Status CheckCertificateCurrent(absl::string_view pem, absl::Time now) {
  ASSIGN_OR_RETURN(CertificateValidity validity, GetCertificateValidity(pem));
  if (now > validity.not_after) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the certificate expired on ", FormatDate(validity.not_after)));
  }
  if (now < validity.not_before) {
    return absl::FailedPreconditionError(
        absl::StrCat("the certificate is not valid until ",
                     FormatDate(validity.not_before)));
  }
  return absl::OkStatus();
}

}  // namespace handover::tls
