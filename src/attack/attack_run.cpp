#include "attack/attack_run.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>

#include "attack/attack_results.hpp"
#include "attack/batch_samples.hpp"
#include "attack/client_replay.hpp"
#include "attack/decryption_oracle.hpp"
#include "attack/refresh_recovery.hpp"
#include "attack/session_view.hpp"
#include "ecg/beat_dataset.hpp"
#include "nn/client_front.hpp"
#include "report/atomic_file.hpp"

namespace hesplit::attack {

namespace {

using nlohmann::json;

std::filesystem::path pick_view(const AttackOptions& options) {
  if (options.view) return *options.view;
  const auto files = find_view_files(options.run_dir);
  if (files.empty()) {
    throw std::runtime_error("no server view (*.hsview) in " + options.run_dir.string() + " or " +
                             (options.run_dir / "server-view").string() +
                             ": record one with `hesplit train --record-server-view DIR`");
  }
  if (files.size() > 1) {
    throw std::runtime_error(fmt::format("{} server views in {}: choose one with --view FILE",
                                         files.size(), options.run_dir.string()));
  }
  return files.front();
}

std::filesystem::path dataset_path(const AttackOptions& options) {
  if (options.data) return *options.data;
  const auto summary = options.run_dir / "summary.json";
  std::ifstream in(summary);
  if (!in) {
    throw std::runtime_error("no --data given and no " + summary.string() +
                             " naming the client's dataset (needed as ground truth)");
  }
  const json s = json::parse(in, nullptr, false);
  if (s.is_discarded() || !s.contains("dataset") || !s["dataset"].is_string()) {
    throw std::runtime_error(summary.string() + ": no \"dataset\" string");
  }
  return s["dataset"].get<std::string>();
}

json not_available(const std::string& mode, const std::string& why) {
  return {{"mode", mode}, {"input", "none"}, {"note", why}};
}

double hello_number(const SessionView& view, const std::string& key) {
  const auto it = view.hello.find(key);
  if (it == view.hello.end()) throw std::runtime_error("the view's Hello has no \"" + key + "\"");
  return std::stod(it->second);
}

std::optional<json> run_refresh_recovery(const AttackOptions& options, const SessionView& view,
                                         const ecg::BeatSet& train) {
  std::size_t last = 0;
  for (std::size_t i = 0; i < view.batches.size() && i < options.refresh_batches; ++i) {
    if (view.batches[i].weight_step) last = i + 1;
  }
  if (last == 0) return std::nullopt;
  const double eta = hello_number(view, "server_lr");
  const auto seed = static_cast<std::uint64_t>(hello_number(view, "seed"));
  const std::vector<nn::FloatTensor> truth =
      replay_client_activations(view, train, seed, options.client_lr, last);
  std::vector<RefreshBatch> batches;
  for (std::size_t i = 0; i < last; ++i) {
    const ViewBatch& b = view.batches[i];
    if (b.weight_step) batches.push_back({*b.logit_grads, *b.weight_step, truth[i]});
  }
  const RefreshRecovery r = refresh_recovery(batches, eta);
  const auto preset = view.hello.find("ckks_preset");
  return json{{"mode", view.protocol},
              {"batch_size", view.batch_size},
              {"median_relative_error", r.median_relative_error},
              {"median_pearson", r.median_pearson},
              {"relative_error_q1", r.relative_error_q1},
              {"relative_error_q3", r.relative_error_q3},
              {"pearson_q1", r.pearson_q1},
              {"pearson_q3", r.pearson_q3},
              {"batches", r.batches},
              {"samples", r.samples},
              {"ckks_preset", preset == view.hello.end() ? "" : preset->second},
              {"method",
               "A_hat = pinv(G^T) (W - W') / eta: (G G^T)^-1 G dL/dW for batch <= 4, the "
               "projection onto G's row space beyond; truth from a replay of the client"}};
}

std::optional<json> run_decryption_oracle(const AttackOptions& options, const SessionView& view,
                                          const ecg::BeatSet& train) {
  std::size_t last = 0;
  for (std::size_t i = 0; i < view.batches.size() && i < options.refresh_batches; ++i) {
    if (view.batches[i].oracle_return) last = i + 1;
  }
  if (last == 0) return std::nullopt;
  const auto seed = static_cast<std::uint64_t>(hello_number(view, "seed"));
  const std::vector<nn::FloatTensor> truth =
      replay_client_activations(view, train, seed, options.client_lr, last);
  std::vector<OracleBatch> batches;
  for (std::size_t i = 0; i < last; ++i) {
    const ViewBatch& b = view.batches[i];
    if (b.oracle_return && b.oracle_samples)
      batches.push_back({*b.oracle_samples, *b.oracle_return, truth[i]});
  }
  const DecryptionOracle r = decryption_oracle(batches);
  return json{{"mode", view.protocol},
              {"batch_size", view.batch_size},
              {"relative_error", r.median_relative_error},
              {"max_relative_error", r.max_relative_error},
              {"batches", r.batches},
              {"samples_per_batch", 4},
              {"method",
               "server --adversary decryption-oracle: the client's own Enc(A) in place of "
               "Enc(W' + M); relative_error: median over batches of |A_hat - A| / |A| over "
               "the 4 samples returned per refresh"}};
}

struct Gathered {
  std::vector<float> grads;
  std::vector<std::int64_t> grad_labels;
  std::vector<float> activations, beats;
  std::vector<std::int64_t> labels;
};

Gathered gather(const SessionView& view, const ecg::BeatSet& train) {
  Gathered g;
  for (const ViewBatch& b : view.batches) {
    if (b.logit_grads) {
      const std::size_t rows = std::size_t(b.logit_grads->dim(0));
      const std::size_t begin = first_sample(view.file, b, view.batch_size, rows, train.size());
      g.grads.insert(g.grads.end(), b.logit_grads->data.begin(), b.logit_grads->data.end());
      g.grad_labels.insert(g.grad_labels.end(), train.y.begin() + std::ptrdiff_t(begin),
                           train.y.begin() + std::ptrdiff_t(begin + rows));
    }
    if (b.activations) {
      const std::size_t rows = std::size_t(b.activations->dim(0));
      const std::size_t begin = first_sample(view.file, b, view.batch_size, rows, train.size());
      g.activations.insert(g.activations.end(), b.activations->data.begin(),
                           b.activations->data.end());
      g.beats.insert(g.beats.end(), train.x.begin() + std::ptrdiff_t(begin * ecg::kBeatLength),
                     train.x.begin() + std::ptrdiff_t((begin + rows) * ecg::kBeatLength));
      g.labels.insert(g.labels.end(), train.y.begin() + std::ptrdiff_t(begin),
                      train.y.begin() + std::ptrdiff_t(begin + rows));
    }
  }
  return g;
}

json label_leakage_json(const std::string& mode, const LabelLeakage& l) {
  return {{"mode", mode},
          {"accuracy", l.accuracy},
          {"auc", l.auc},
          {"samples", l.samples},
          {"norm_auc", l.norm_auc},
          {"direction_auc", l.direction_auc},
          {"method",
           "argmin of each row of G; auc: macro one-vs-rest of -G[c]; norm/direction "
           "scoring of Li et al. (ICLR 2022)"}};
}

// Evenly spread subset of at most `limit` samples (dCor is O(n^2) per pair of series).
Gathered subset(const Gathered& g, std::size_t features, std::size_t limit) {
  const std::size_t n = g.labels.size();
  if (n <= limit) return g;
  Gathered s;
  for (std::size_t i = 0; i < limit; ++i) {
    const std::size_t k = i * n / limit;
    s.activations.insert(s.activations.end(), g.activations.begin() + std::ptrdiff_t(k * features),
                         g.activations.begin() + std::ptrdiff_t((k + 1) * features));
    s.beats.insert(s.beats.end(), g.beats.begin() + std::ptrdiff_t(k * ecg::kBeatLength),
                   g.beats.begin() + std::ptrdiff_t((k + 1) * ecg::kBeatLength));
    s.labels.push_back(g.labels[k]);
  }
  return s;
}

json dcor_dtw_json(const DcorDtw& d, std::uint32_t epoch) {
  json channels = json::array();
  for (std::size_t c = 0; c < d.channels.size(); ++c) {
    const ChannelSimilarity& ch = d.channels[c];
    channels.push_back({{"channel", c},
                        {"dcor_median", ch.dcor_median},
                        {"dtw_median", ch.dtw_median},
                        {"dcor_baseline_median", ch.dcor_baseline_median},
                        {"dtw_baseline_median", ch.dtw_baseline_median}});
  }
  return {{"samples", d.samples},
          {"epoch", epoch},
          {"best_channel_dcor_median", d.best_dcor_median},
          {"best_channel_dtw_median", d.best_dtw_median},
          {"baseline_best_channel_dcor_median", d.best_dcor_baseline_median},
          {"baseline_best_channel_dtw_median", d.best_dtw_baseline_median},
          {"channels", channels},
          {"method",
           "per beat: distance correlation and DTW (z-scored, per position) between the "
           "beat averaged to 32 positions and each of the 8 channels (32 positions); "
           "baseline: a different beat's map"}};
}

std::vector<float> front_activations(const nn::ClientFront& front,
                                     const std::vector<float>& beats) {
  std::vector<float> out;
  const std::size_t n = beats.size() / ecg::kBeatLength;
  for (std::size_t begin = 0; begin < n; begin += 1024) {
    const std::size_t count = std::min<std::size_t>(1024, n - begin);
    const nn::FloatTensor a = front.infer(
        std::span<const float>(beats).subspan(begin * ecg::kBeatLength, count * ecg::kBeatLength),
        count);
    out.insert(out.end(), a.data.begin(), a.data.end());
  }
  return out;
}

ecg::BeatSet spread_subset(const ecg::BeatSet& set, std::size_t limit) {
  ecg::BeatSet out;
  for (std::size_t i = 0; i < limit; ++i) {
    const std::size_t k = i * set.size() / limit;
    out.x.insert(out.x.end(), set.x.begin() + std::ptrdiff_t(k * ecg::kBeatLength),
                 set.x.begin() + std::ptrdiff_t((k + 1) * ecg::kBeatLength));
    out.y.push_back(set.y[k]);
    out.record.push_back(set.record[k]);
  }
  return out;
}

std::optional<Inversion> run_inversion(const AttackOptions& options, const ecg::BeatDataset& data,
                                       const Gathered& target, json& out) {
  const auto front_file = options.client_front.value_or(options.run_dir / "client_front.pt");
  if (!std::filesystem::exists(front_file)) {
    out = {{"note", "no client front network at " + front_file.string() + " (--client-front)"}};
    return std::nullopt;
  }
  ecg::BeatSet aux;
  std::string aux_source;
  std::set<std::int32_t> aux_records;
  if (options.aux) {
    const ecg::BeatDataset a = ecg::read_beat_dataset(*options.aux);
    aux = a.train;
    aux.x.insert(aux.x.end(), a.test.x.begin(), a.test.x.end());
    aux.y.insert(aux.y.end(), a.test.y.begin(), a.test.y.end());
    aux.record.insert(aux.record.end(), a.test.record.begin(), a.test.record.end());
    aux_source = options.aux->string() + " (train and test)";
  } else {
    aux = data.test;
    aux_source = "test side of the client's dataset";
  }
  if (aux.size() == 0)
    throw std::runtime_error("inversion: the auxiliary set has no beats (--aux)");
  if (aux.size() > options.inversion.max_aux) aux = spread_subset(aux, options.inversion.max_aux);
  aux_records.insert(aux.record.begin(), aux.record.end());
  bool disjoint = true;
  for (const std::int32_t r : data.train.record) disjoint = disjoint && !aux_records.contains(r);
  const nn::ClientFront front = nn::ClientFront::load(front_file, 0.0);
  const std::vector<float> aux_activations = front_activations(front, aux.x);
  const Inversion inv = invert_activations({aux.x, aux_activations, aux.y},
                                           {target.beats, target.activations, target.labels},
                                           ecg::kBeatLength, data.class_names, options.inversion);
  out = json::object();
  for (const InversionClass& c : inv.classes) {
    out[c.name] = {{"mse", c.mse},
                   {"pearson", c.pearson},
                   {"pearson_q1", c.pearson_q1},
                   {"pearson_q3", c.pearson_q3},
                   {"baseline_pearson", c.baseline_pearson},
                   {"samples", c.samples}};
  }
  out["auxiliary"] = {{"source", aux_source},
                      {"beats", inv.aux_samples},
                      {"records_disjoint_from_client", disjoint},
                      {"client_front", front_file.string()},
                      {"train_mse", inv.final_train_mse},
                      {"epochs", options.inversion.epochs}};
  out["method"] =
      "MLP 256-256-256-128 trained on (front(aux beat), aux beat) pairs; applied to the "
      "activation maps of the attacked epoch; pearson: median per beat";
  return inv;
}

}  // namespace

json run_attacks(const AttackOptions& options) {
  const std::filesystem::path view_file = pick_view(options);
  const SessionView view = load_session_view(view_file, options.epoch);
  const std::filesystem::path data_file = dataset_path(options);
  const ecg::BeatDataset data = ecg::read_beat_dataset(data_file);
  const std::string& mode = view.protocol;
  AttackResults results;
  results.class_names = data.class_names;
  json& j = results.json;
  j["view"] = {{"file", view_file.string()},
               {"protocol", mode},
               {"batch_size", view.batch_size},
               {"epochs", view.last_epoch},
               {"training_batches", view.batches.size()},
               {"messages_received", view.messages_received},
               {"clear_values_received", view.clear_values_received},
               {"ciphertext_bytes_received", view.ciphertext_bytes_received},
               {"computed_records", view.computed_records}};
  j["dataset"] = data_file.string();
  const Gathered all = gather(view, data.train);

  const std::string cipher_only =
      "the server's view holds no clear tensor of this kind: only RLWE ciphertexts (IND-CPA under "
      "the client's key) and public sizes";
  if (!all.grads.empty()) {
    results.label_leakage = label_leakage(all.grads, all.grad_labels, view.classes);
    j["label_leakage"] = label_leakage_json(mode, *results.label_leakage);
  } else {
    j["label_leakage"] = not_available(mode, "no clear logit gradients: " + cipher_only);
    j["label_leakage"]["accuracy"] = nullptr;
    j["label_leakage"]["auc"] = nullptr;
  }
  if (!all.activations.empty()) {
    const std::size_t features = all.activations.size() / all.labels.size();
    const Gathered s = subset(all, features, options.similarity_samples);
    results.dcor_dtw = dcor_dtw(s.beats, ecg::kBeatLength, s.activations, 8, s.labels.size());
    j["dcor_dtw"] = dcor_dtw_json(*results.dcor_dtw, view.activations_epoch);
    json inv;
    results.inversion = run_inversion(options, data, all, inv);
    j["inversion"] = inv;
  } else {
    j["dcor_dtw"] = not_available(mode, "no clear activation maps: " + cipher_only);
    j["inversion"] = not_available(mode, "no clear activation maps: " + cipher_only);
  }
  if (mode == "plain") {
    const std::string why = "plain sends A in the clear: nothing to recover";
    j["decryption_oracle"] = {{"mode", mode},
                              {"batch_size", view.batch_size},
                              {"relative_error", nullptr},
                              {"note", why}};
    j["refresh_recovery"] = {{"mode", mode},
                             {"batch_size", view.batch_size},
                             {"median_relative_error", nullptr},
                             {"median_pearson", nullptr},
                             {"note", why}};
  } else {
    const std::optional<json> refresh = run_refresh_recovery(options, view, data.train);
    j["refresh_recovery"] =
        refresh ? *refresh
                : not_available(mode, mode == "sealed"
                                          ? "no refresh in sealed (W0 + Enc(Delta)): " + cipher_only
                                          : "no W' - W recorded in this view");
    const std::optional<json> oracle = run_decryption_oracle(options, view, data.train);
    if (oracle)
      j["decryption_oracle"] = *oracle;
    else
      j["decryption_oracle"] = not_available(
          mode, mode == "sealed"
                    ? "no channel: the client never returns a decryption (test "
                      "AttackSealed.EveryAttackHasNoInputAndNoDecryptionLeavesTheClient)"
                    : "this view was not recorded with the deviating server");
  }
  report::write_file_atomic(options.out_dir / "report.json", j.dump(2) + "\n");
  report::write_file_atomic(options.out_dir / "report.html", privacy_report_html(results));
  return j;
}

}  // namespace hesplit::attack
