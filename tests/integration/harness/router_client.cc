#include "harness/router_client.h"

#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "harness/node_client.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
constexpr size_t kChunkBytes = 1 << 20;

// Reads exactly `n` bytes, or fails.
absl::StatusOr<std::string> ReadExactly(InputFile& file, size_t n) {
  std::string bytes(n, '\0');
  ASSIGN_OR_RETURN(size_t got, file.Read(bytes.data(), n));
  if (got != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.path(), ": envelope cut short"));
  }
  return bytes;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

void PrepareContext(grpc::ClientContext* context,
                    const std::string& bearer_token, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!bearer_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + bearer_token);
  }
}

}  // namespace

RouterClient::RouterClient(std::shared_ptr<grpc::Channel> channel,
                           absl::Duration call_timeout)
    : channel_(std::move(channel)),
      stub_(v1::Router::NewStub(channel_)),
      call_timeout_(call_timeout) {}

absl::StatusOr<v1::SignedDirectory> RouterClient::GetDirectory() {
  grpc::ClientContext context;
  PrepareContext(&context, "", call_timeout_);
  v1::SignedDirectory directory;
  RETURN_IF_ERROR(FromGrpc(
      stub_->GetDirectory(&context, v1::GetDirectoryRequest(), &directory)));
  return directory;
}

absl::StatusOr<v1::SubmitEnvelopeResponse> RouterClient::SubmitEnvelopeFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
  ASSIGN_OR_RETURN(std::string prefix,
                   ReadExactly(*file, crypto::kPrefixBytes));
  ASSIGN_OR_RETURN(uint32_t header_length, crypto::ParsePrefix(prefix));
  ASSIGN_OR_RETURN(std::string header, ReadExactly(*file, header_length));
  const std::string signed_header = prefix + header;
  ASSIGN_OR_RETURN(crypto::EnvelopeHeader parsed,
                   crypto::ParseHeader(signed_header));
  v1::EnvelopePart head_part;
  v1::EnvelopeHead* head = head_part.mutable_head();
  head->set_signed_header(signed_header);
  ASSIGN_OR_RETURN(*head->mutable_signature(),
                   ReadExactly(*file, crypto::kSignatureBytes));
  for (size_t i = 0; i < parsed.recipients.size(); ++i) {
    ASSIGN_OR_RETURN(*head->add_wrapped_keys(),
                     ReadExactly(*file, crypto::kWrappedKeyBytes));
  }

  grpc::ClientContext context;
  PrepareContext(&context, "", call_timeout_);
  v1::SubmitEnvelopeResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::EnvelopePart>> writer =
      stub_->SubmitEnvelope(&context, &response);
  bool open = writer->Write(head_part);
  std::string buffer(kChunkBytes, '\0');
  while (open) {
    ASSIGN_OR_RETURN(size_t n, file->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    v1::EnvelopePart part;
    part.mutable_ciphertext()->set_data(buffer.data(), n);
    open = writer->Write(part);
  }
  if (open) writer->WritesDone();
  RETURN_IF_ERROR(FromGrpc(writer->Finish()));
  return response;
}

absl::Status RouterClient::TryConnect(absl::Duration wait) {
  grpc::ClientContext context;
  PrepareContext(&context, "", wait);
  std::unique_ptr<grpc::ClientReaderWriter<v1::NodeMessage, v1::RouterMessage>>
      stream = stub_->Connect(&context);
  v1::NodeMessage hello;
  hello.mutable_hello()->set_directory_version(0);
  stream->Write(hello);
  v1::RouterMessage message;
  while (stream->Read(&message)) {
  }
  return FromGrpc(stream->Finish());
}

absl::StatusOr<int> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service,
                                const std::string& bearer_token,
                                absl::Duration timeout) {
  // HealthCheckRequest { string service = 1; }
  std::string request;
  if (!service.empty()) {
    request.push_back(0x0a);
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::ClientContext context;
  PrepareContext(&context, bearer_token, timeout);
  grpc::ByteBuffer response;
  const grpc::Status status = grpc::internal::BlockingUnaryCall(
      channel.get(),
      grpc::internal::RpcMethod("/grpc.health.v1.Health/Check",
                                grpc::internal::RpcMethod::NORMAL_RPC),
      &context, ToByteBuffer(request), &response);
  RETURN_IF_ERROR(FromGrpc(status));
  // HealthCheckResponse { ServingStatus status = 1; }: 0x08 then a varint.
  const std::string bytes = FromByteBuffer(response);
  if (bytes.empty()) return 0;
  if (bytes.size() < 2 || bytes[0] != 0x08) {
    return absl::InternalError("unexpected HealthCheckResponse bytes");
  }
  return static_cast<int>(static_cast<unsigned char>(bytes[1]));
}

absl::StatusOr<std::string> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& bearer_token, absl::Duration timeout) {
  grpc::ClientContext context;
  PrepareContext(&context, bearer_token, timeout);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer,
                                                       grpc::ByteBuffer>::
                 Create(channel.get(),
                        grpc::internal::RpcMethod(
                            "/grpc.reflection.v1alpha.ServerReflection/"
                            "ServerReflectionInfo",
                            grpc::internal::RpcMethod::BIDI_STREAMING),
                        &context));
  // ServerReflectionRequest { string list_services = 7; } with "".
  stream->Write(ToByteBuffer(std::string("\x3a\x00", 2)));
  stream->WritesDone();
  std::string all;
  grpc::ByteBuffer message;
  while (stream->Read(&message)) all += FromByteBuffer(message);
  RETURN_IF_ERROR(FromGrpc(stream->Finish()));
  return all;
}

}  // namespace handover::integration
